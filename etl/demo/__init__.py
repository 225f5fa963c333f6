"""The demo data set: real cities and outline, synthetic neighborhoods, offices and actions (`regen demo`)."""
