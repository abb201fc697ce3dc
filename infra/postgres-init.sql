-- Runs once, when the postgres container starts with an empty data volume (docker-entrypoint-initdb.d).
-- POSTGRES_USER=engage already exists as the cluster owner; each service gets its own database (its event store).
-- Written with \gexec so that running it again by hand changes nothing.
SELECT 'CREATE DATABASE engage_surgeries OWNER engage'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'engage_surgeries')\gexec
SELECT 'CREATE DATABASE engage_messaging OWNER engage'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'engage_messaging')\gexec
SELECT 'CREATE DATABASE engage_profiles OWNER engage'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'engage_profiles')\gexec
SELECT 'CREATE DATABASE engage_plans OWNER engage'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'engage_plans')\gexec
