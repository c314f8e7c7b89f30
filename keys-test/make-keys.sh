#!/usr/bin/env bash
# Makes the generated test keys of keys-test/ with GnuPG. FOR TESTS ONLY: the secret keys are
# published here without a passphrase. Run from anywhere; writes next to this script.
#   contractor@agency.example  Ed25519/Cv25519, no expiry        (a normal contractor key)
#   expired@agency.example     Ed25519/Cv25519, expired 2021-01-01
#   revoked@agency.example     Ed25519/Cv25519, revoked by its owner
#   rsa@agency.example         RSA-3072 primary + RSA-3072 encryption subkey
#   signonly@agency.example    Ed25519 primary only: no encryption subkey
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GNUPGHOME=$(mktemp -d)
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT
g() { gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }

g --quick-gen-key 'Casey Contractor <contractor@agency.example>' ed25519 cert,sign never
fpr() { gpg --batch --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
g --quick-add-key "$(fpr contractor@agency.example)" cv25519 encr never

g --faked-system-time 20200101T000000! --quick-gen-key 'Eddie Expired <expired@agency.example>' ed25519 cert,sign 2021-01-01
g --faked-system-time 20200101T000000! --quick-add-key "$(fpr expired@agency.example)" cv25519 encr 2021-01-01

g --quick-gen-key 'Rita Revoked <revoked@agency.example>' ed25519 cert,sign never
g --quick-add-key "$(fpr revoked@agency.example)" cv25519 encr never
rev="$GNUPGHOME/openpgp-revocs.d/$(fpr revoked@agency.example).rev"
sed 's/^:-----/-----/' "$rev" | g --import

g --quick-gen-key 'Rosa RSA <rsa@agency.example>' rsa3072 cert,sign never
g --quick-add-key "$(fpr rsa@agency.example)" rsa3072 encr never

g --quick-gen-key 'Sam Signonly <signonly@agency.example>' ed25519 cert,sign never

for who in contractor expired revoked rsa signonly; do
  g --armor --export "$who@agency.example" > "$here/$who@agency.example-pub.asc"
  g --armor --export-secret-keys "$who@agency.example" > "$here/$who@agency.example-secret.asc"
done
echo "made: contractor expired revoked rsa signonly (in $here)"
