#!/bin/sh
# Installs the built layout (dist/, made by "mvn package") somewhere that does not depend on the
# checkout, and links the commands into a directory on PATH.
#
#   scripts/install.sh [--prefix DIR] [--bin-dir DIR] [--no-link]
#
#   --prefix DIR   where bin/ and lib/ go (default /opt/wgmesh)
#   --bin-dir DIR  where to put symlinks to the commands (default /usr/local/bin)
#   --no-link      do not create the symlinks
#
# Re-running upgrades in place: files are replaced, commands that are gone from dist/bin lose
# their symlinks, and the class-data-sharing archives are re-created for the new location (an
# archive records the jar's path, so one made in the checkout would not be used after the copy).
set -eu

prefix=/opt/wgmesh
bindir=/usr/local/bin
link=yes
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --bin-dir) bindir=${2:?--bin-dir needs a directory}; shift 2 ;;
    --bin-dir=*) bindir=${1#--bin-dir=}; shift ;;
    --no-link) link=no; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: install: unknown option '$1'" >&2; echo "hint: see 'scripts/install.sh --help'" >&2; exit 2 ;;
  esac
done

root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
dist=$root/dist
if [ ! -d "$dist/bin" ] || [ -z "$(ls "$dist/bin")" ]; then
  echo "error: install: $dist/bin is missing or empty" >&2
  echo "hint: build first: mvn -B package" >&2
  exit 2
fi
case $prefix in
  /*) ;;
  *) prefix=$(pwd)/$prefix ;;
esac

mkdir -p "$prefix/bin" "$prefix/lib"
# Old launchers first, so a command removed from dist/ does not linger.
for old in "$prefix"/bin/*; do
  [ -f "$old" ] || continue
  name=$(basename -- "$old")
  if [ ! -f "$dist/bin/$name" ]; then
    rm -f "$old"
    if [ -L "$bindir/$name" ] && [ "$(readlink -- "$bindir/$name")" = "$old" ]; then rm -f "$bindir/$name"; fi
  fi
done
for f in "$dist"/lib/*.jar "$dist"/lib/*.cds-training.sh; do
  [ -f "$f" ] || continue
  install -m 0644 "$f" "$prefix/lib/.$(basename -- "$f").tmp"
  mv -f "$prefix/lib/.$(basename -- "$f").tmp" "$prefix/lib/$(basename -- "$f")"
done
for f in "$dist"/bin/*; do
  install -m 0755 "$f" "$prefix/bin/.$(basename -- "$f").tmp"
  mv -f "$prefix/bin/.$(basename -- "$f").tmp" "$prefix/bin/$(basename -- "$f")"
done
sh "$root/scripts/launcher/make-launchers.sh" cds "$prefix"

if [ "$link" = yes ]; then
  mkdir -p "$bindir"
  for f in "$prefix"/bin/*; do
    ln -sfn "$f" "$bindir/$(basename -- "$f")"
  done
fi
echo "installed $(ls "$prefix/bin" | tr '\n' ' ')into $prefix$( [ "$link" = yes ] && echo ", linked from $bindir")" >&2
