#!/bin/bash
# Runs once, when the PostgreSQL data volume is empty (docker-entrypoint-initdb.d): one role and database(s) per
# tenant, so chainkeeper's store and Temporal's persistence cannot read each other.
#   temporal     owns temporal + temporal_visibility (schemas are set up by temporalio/auto-setup)
#   chainkeeper  owns chainkeeper (tables are created by chainkeeper's migrations)
set -euo pipefail
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}"
: "${CHAINKEEPER_DB_PASSWORD:?set CHAINKEEPER_DB_PASSWORD}"

# Passwords travel as psql variables (:'name' quotes them), never spliced into SQL text.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" \
  -v chainkeeper_password="$CHAINKEEPER_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
REVOKE ALL ON DATABASE temporal, temporal_visibility FROM PUBLIC;

CREATE ROLE chainkeeper LOGIN PASSWORD :'chainkeeper_password';
CREATE DATABASE chainkeeper OWNER chainkeeper;
REVOKE ALL ON DATABASE chainkeeper FROM PUBLIC;
SQL
