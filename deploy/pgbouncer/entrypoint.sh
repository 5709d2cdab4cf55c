#!/bin/sh
# Writes PgBouncer's auth file from POSTGRES_USER and POSTGRES_PASSWORD (the same values the
# postgres service is created with), then runs PgBouncer in the foreground.
set -eu
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
mkdir -p /tmp/pgbouncer
umask 077
# userlist.txt format: "user" "password", with " doubled inside the quotes.
printf '"%s" "%s"\n' "$(printf %s "$POSTGRES_USER" | sed 's/"/""/g')" "$(printf %s "$POSTGRES_PASSWORD" | sed 's/"/""/g')" \
  > /tmp/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
