# lab/pki.sh: a minimal openssl PKI for the lab's enrolment scripts (sourced by e2e-enrol.sh,
# bench-enrol.sh and status-page-check.sh). Each CA is a directory with the database
# `openssl ca` needs to sign, revoke and write a CRL; every openssl message goes to
# DIR/openssl.log, so a caller can show its end when a step fails. Keys are PKCS#8 PEM, 0600.
# shellcheck shell=bash

# A CA in directory DIR: ca.pem, ca.key, ca.cnf; certificates it signs are valid DAYS (default 2).
pki_ca() { # DIR NAME [DAYS]
    local d=$1 days=${3:-2}
    mkdir -p "$d/newcerts" && : >"$d/index.txt" && echo 1000 >"$d/serial" && echo 1000 >"$d/crlnumber"
    cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = $days
default_crl_days = $days
policy = policy_any
unique_subject = no
copy_extensions = copy
[ policy_any ]
commonName = supplied
[ device ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[ server ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
CNF
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
        -out "$d/ca.pem" -days "$days" -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>>"$d/openssl.log" &&
        chmod 0600 "$d/ca.key"
}

# A certificate and its key (NAME.pem, NAME.key in the CA's directory), signed by that CA, for a
# device (client authentication) or a server; SAN such as IP:127.0.0.1.
pki_leaf() { # DIR NAME SUBJECT device|server [SAN]
    local d=$1 add=()
    [ -z "${5:-}" ] || add=(-addext "subjectAltName=$5")
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$2.key" \
        -out "$d/$2.csr" -subj "$3" "${add[@]}" 2>>"$d/openssl.log" &&
        openssl ca -batch -config "$d/ca.cnf" -extensions "$4" -notext -in "$d/$2.csr" \
            -out "$d/$2.pem" 2>>"$d/openssl.log" &&
        chmod 0600 "$d/$2.key"
}

# The CA's CRL as it stands (DIR/ca.crl).
pki_crl() { # DIR
    openssl ca -config "$1/ca.cnf" -gencrl -out "$1/ca.crl" 2>>"$1/openssl.log"
}

# Revokes the certificate NAME and writes DIR/ca.crl.
pki_revoke() { # DIR NAME
    openssl ca -config "$1/ca.cnf" -revoke "$1/$2.pem" 2>>"$1/openssl.log" && pki_crl "$1"
}
