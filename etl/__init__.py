"""ETL jobs: load boundary files and the agencies' tables into the database, export them back out."""
