-- Runs once, on the first start of the compose `postgres` service (empty data volume):
-- Unleash keeps its data in its own database next to the app's `strangler` database.
CREATE DATABASE unleash OWNER strangler;
