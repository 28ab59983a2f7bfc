#!/bin/sh
# Class-data-sharing training for wgsite.jar (see scripts/launcher/make-launchers.sh): runs the
# commands the way an admin does, so the archive holds the classes of real runs (site file YAML,
# keys, record signing, the zone-file target), not only those of --help.
#   sh cds-training.sh BIN WORKDIR
set -eu
bin=$1
work=$2
site=$work/wgmesh.yaml
"$bin/wgsite" --domain cds-training.example.org --locus training --publish "zonefile:$work/zone" "$site"
"$bin/wgsite" "$site"
"$bin/wgsite" --list "$site"
"$bin/wgsite" --list --json "$site"
"$bin/wgpub" --dry-run "$site"
"$bin/wgpub" "$site"
"$bin/wgpub" --json "$site"
# The error path: a blob that is not one (exit code 4 expected).
if "$bin/wgsite" -i not-a-blob --yes "$site"; then
  echo "cds-training: a bad blob was accepted" >&2
  exit 1
fi
