#!/usr/bin/env bash
# Builds the Debian package from the dist/ layout that "mvn package" leaves, and the man pages and
# bash completion it ships (also left in dist/man and dist/completion). Maven runs it (module
# packaging/, package phase); run it again by hand to repack dist/ with another version:
#
#   scripts/make-deb.sh [--dist DIR] [--maven-version V | --deb-version V] [--codegen-jar JAR]
#                       [--work DIR] [--out DIR]
#
#   --dist DIR          the built layout (default: dist/ of the checkout)
#   --maven-version V   the project version; the package version is V with -SNAPSHOT as ~snapshot
#   --deb-version V     the package version as is (e.g. a higher one, to test an upgrade)
#   --codegen-jar JAR   picocli-codegen: (re)generate dist/man from the commands' picocli model
#                       (ManPageGenerator, then asciidoctor to roff) and dist/completion (picocli
#                       AutoComplete); without it the pages already in dist/ are packed
#   --work DIR          staging directory (default: a temporary one)
#   --out DIR           where wgmesh_<version>_all.deb goes (default: the dist directory)
#
# The package layout: launchers in /usr/share/wgmesh/bin, linked from /usr/bin; jars in
# /usr/share/wgmesh/lib; the class-data-sharing archives are made there by postinst, for the JVM
# that is installed (an archive only works with the JVM that wrote it); systemd units in
# /lib/systemd/system; man pages; bash completion. Needs dpkg-deb, and asciidoctor with --codegen-jar.
set -euo pipefail
root=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
dist=$root/dist
version=
codegen=
work=
out=
while [ $# -gt 0 ]; do
  case $1 in
    --dist) dist=$2; shift 2 ;;
    --maven-version) version=${2/-SNAPSHOT/\~snapshot}; shift 2 ;;
    --deb-version) version=$2; shift 2 ;;
    --codegen-jar) codegen=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: make-deb: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$version" ]; then
  version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$root/pom.xml" | head -n 1)
  version=${version/-SNAPSHOT/\~snapshot}
fi
out=${out:-$dist}
pkg=$root/packaging/deb
commands="wgsite wgpub wgconfig wghost wgdeploy"
for c in $commands; do
  [ -x "$dist/bin/$c" ] || { echo "error: make-deb: $dist/bin/$c missing: build first (mvn -B package)" >&2; exit 2; }
done
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# --- man pages and completion, from the picocli model of each command ---
if [ -n "$codegen" ]; then
  command -v asciidoctor >/dev/null || { echo "error: make-deb: asciidoctor missing (apt-get install asciidoctor; scripts/setup-debian.sh does)" >&2; exit 2; }
  cp=$dist/lib/wgsite.jar:$dist/lib/wgendpoint.jar:$codegen
  mains=
  for c in $commands; do
    d=$(ls "$root"/*/src/launchers/"$c")
    mains="$mains $(sed -n 's/^main=//p' "$d")"
  done
  adoc=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-man.XXXXXX")
  # The commands have no no-argument constructor: a factory that builds them with stand-ins.
  "${JAVA_HOME:+$JAVA_HOME/bin/}javac" -nowarn -d "$adoc/factory" -cp "$cp" "$root/packaging/src/ManPageFactory.java"
  cp=$cp:$adoc/factory
  # shellcheck disable=SC2086
  "$java" -cp "$cp" picocli.codegen.docgen.manpage.ManPageGenerator --exit -c ManPageFactory -d "$adoc" $mains
  rm -rf "$dist/man" "$dist/completion"
  mkdir -p "$dist/man" "$dist/completion"
  for c in $commands; do
    # the pages carry no build date, so the package is the same for the same sources
    asciidoctor --backend=manpage -a reproducible -a "mansource=wgmesh $version" -a manmanual=wgmesh \
      --destination-dir="$dist/man" "$adoc/$c.adoc"
    main=$(sed -n 's/^main=//p' "$(ls "$root"/*/src/launchers/"$c")")
    "$java" -cp "$cp" picocli.AutoComplete --force -c ManPageFactory -n "$c" -o "$dist/completion/$c" "$main"
  done
  rm -rf "$adoc"
fi
for c in $commands; do
  [ -s "$dist/man/$c.1" ] || { echo "error: make-deb: $dist/man/$c.1 missing: run with --codegen-jar (mvn -B package does)" >&2; exit 2; }
done

# --- the staged tree ---
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-deb.XXXXXX")
  trap 'rm -rf -- "$work"' EXIT
fi
tree=$work/root
rm -rf "$tree"
umask 022
mkdir -p "$tree/DEBIAN" "$tree/usr/bin" "$tree/usr/share/wgmesh/bin" "$tree/usr/share/wgmesh/lib" \
  "$tree/usr/share/man/man1" "$tree/usr/share/bash-completion/completions" "$tree/lib/systemd/system" \
  "$tree/usr/share/doc/wgmesh" "$tree/usr/share/lintian/overrides"
for c in $commands; do
  install -m 0755 "$dist/bin/$c" "$tree/usr/share/wgmesh/bin/$c"
  ln -s "../share/wgmesh/bin/$c" "$tree/usr/bin/$c"
  gzip -9nc "$dist/man/$c.1" >"$tree/usr/share/man/man1/$c.1.gz"
  # a completion file is sourced, not run: no #! line
  sed '1{/^#!/d}' "$dist/completion/$c" >"$tree/usr/share/bash-completion/completions/$c"
done
for f in "$dist"/lib/*.jar "$dist"/lib/*.classlist; do
  [ -f "$f" ] && install -m 0644 "$f" "$tree/usr/share/wgmesh/lib/"
done
for f in "$dist"/lib/*.cds-training.sh; do
  [ -f "$f" ] && install -m 0755 "$f" "$tree/usr/share/wgmesh/lib/"
done
install -m 0755 "$root/scripts/launcher/make-launchers.sh" "$tree/usr/share/wgmesh/make-launchers.sh"
install -m 0644 "$pkg"/systemd/* "$tree/lib/systemd/system/"
install -m 0644 "$pkg/copyright" "$tree/usr/share/doc/wgmesh/copyright"
# Example Prometheus alert rules and their promtool unit test (docs/operator-guide.md)
install -d -m 0755 "$tree/usr/share/doc/wgmesh/examples"
install -m 0644 "$root"/docs/examples/wgmesh-alerts.*.yml "$tree/usr/share/doc/wgmesh/examples/"
install -m 0644 "$pkg/lintian-overrides" "$tree/usr/share/lintian/overrides/wgmesh"
# Native package: the changelog is one entry for this version, dated by the last commit.
when=$(git -C "$root" log -1 --format=%cD 2>/dev/null || date -R)
printf 'wgmesh (%s) unstable; urgency=medium\n\n  * Built from the wgmesh sources; see the project history for the changes.\n\n -- wgmesh developers <wgmesh@example.org>  %s\n' \
  "$version" "$when" | gzip -9n >"$tree/usr/share/doc/wgmesh/changelog.gz"
for s in postinst prerm postrm; do
  install -m 0755 "$pkg/$s" "$tree/DEBIAN/$s"
done
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$pkg/control" >"$tree/DEBIAN/control"
(cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$tree/DEBIAN/md5sums"
mkdir -p "$out"
deb=$out/wgmesh_${version}_all.deb
# gzip, not xz: the payload is mostly jars, already deflated, so xz saved 2 % of the size (26.8
# against 27.3 MB) and cost every router 1.4 s of CPU at normal priority to unpack it, against
# 0.2 s; on a busy 2-core router that unpack, beside BIRD's 100 ms BFD, lost probes in the fleet's
# upgrade under traffic.
SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s) \
  dpkg-deb --root-owner-group -Zgzip --build "$tree" "$deb" >/dev/null
echo "make-deb: $deb" >&2
