# The image docker-compose.yml builds: the regen-atlas package with its SQL, served by gunicorn.
FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md LICENSE requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY regen ./regen
COPY etl ./etl
COPY dashboard ./dashboard
COPY sql ./sql
COPY data ./data
RUN pip install --no-cache-dir --no-deps -e .
ENV REGEN_DATA_DIR=/app/.data
EXPOSE 8050
CMD ["regen", "serve"]
