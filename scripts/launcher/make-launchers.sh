#!/bin/sh
# Writes one launcher per command into DIST/bin, then a class-data-sharing archive per jar.
#
#   make-launchers.sh DESCRIPTOR_DIR JAR_NAME DIST
#
# DESCRIPTOR_DIR holds one small file per command, named after the command, e.g.
# wgsite/src/launchers/wgsite:
#     summary=create, validate and edit the site file
#     main=org.wgmesh.site.cli.WgsiteCommand
# The launcher runs that main class from DIST/lib/JAR_NAME.jar. A missing or empty
# DESCRIPTOR_DIR is fine (a module that ships no command yet).
# Called by Maven (maven-antrun-plugin, package phase, after shade) and by scripts/install.sh
# (with only DIST, to re-create the archives at the installed location: "cds DIST").
set -eu

here=$(cd -P -- "$(dirname -- "$0")" && pwd)

# cds DIST JAR CMD: (re)create DIST/lib/JAR.jsa by running "CMD --help" once. Best effort: without
# an archive the launcher still works, only slower to start.
cds() {
  rm -f "$1/lib/$2.jsa"
  if WGMESH_CDS=create "$1/bin/$3" --help >/dev/null 2>"$1/lib/$2.jsa.log" && [ -s "$1/lib/$2.jsa" ]; then
    rm -f "$1/lib/$2.jsa.log"
  else
    echo "warning: no class-data-sharing archive for $2.jar (see $1/lib/$2.jsa.log); start-up will be slower" >&2
    rm -f "$1/lib/$2.jsa"
  fi
}

if [ "${1:-}" = cds ]; then
  # Re-create the archive of every jar that has a launcher, using the first launcher found per jar.
  dist=$2
  done_jars=" "
  for launcher in "$dist"/bin/*; do
    [ -f "$launcher" ] || continue
    jar=$(sed -n 's/^# jar=//p' "$launcher")
    [ -n "$jar" ] || continue
    case $done_jars in *" $jar "*) continue ;; esac
    cds "$dist" "$jar" "$(basename -- "$launcher")"
    done_jars="$done_jars$jar "
  done
  exit 0
fi

descriptors=$1
jarname=$2
dist=$3
[ -d "$descriptors" ] || exit 0
mkdir -p "$dist/bin"
first=
for d in "$descriptors"/*; do
  [ -f "$d" ] || continue
  name=$(basename -- "$d")
  main=$(sed -n 's/^main=//p' "$d")
  summary=$(sed -n 's/^summary=//p' "$d")
  if [ -z "$main" ]; then
    echo "error: $d: no main=CLASS line" >&2
    exit 1
  fi
  # The "# jar=" line lets "make-launchers.sh cds" find each launcher's jar.
  sed -e "s|@NAME@|$name|g" -e "s|@MAIN@|$main|g" -e "s|@JAR@|$jarname|g" -e "s|@SUMMARY@|$summary|g" \
    -e "2a\\
# jar=$jarname" \
    "$here/launcher.sh.in" >"$dist/bin/.$name.tmp"
  chmod 755 "$dist/bin/.$name.tmp"
  mv -f "$dist/bin/.$name.tmp" "$dist/bin/$name"
  [ -n "$first" ] || first=$name
done
[ -z "$first" ] || cds "$dist" "$jarname" "$first"
