#!/bin/sh
# Registers chainkeeper's search attributes (workflows/search-attributes.ts) on the namespace, idempotently.
# Runs in temporalio/admin-tools after the server is healthy; the workers start only once it succeeded.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${NAMESPACE:-default}"

# auto-setup creates the namespace in the background after the server answers; wait for it.
attempt=0
until temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 90 ]; then
    echo "namespace $NAMESPACE did not appear at $ADDRESS" >&2
    exit 1
  fi
  sleep 2
done

existing=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE")
register() {
  if printf '%s\n' "$existing" | grep -qw "$1"; then
    echo "search attribute $1 is already registered"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$1" --type "$2"
  fi
}

register ChainStatus Keyword
register CredentialsExpireAt Datetime
