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
# An optional DESCRIPTOR_DIR/cds-training.sh (not a command) is copied to DIST/lib/JAR_NAME.cds-training.sh
# and run when the archive is made: "sh cds-training.sh BIN WORKDIR" runs typical commands from BIN
# (an empty site, a publication...) so that the archive holds the classes real runs load, not only
# those of --help. It must write only below WORKDIR and need no network.
# Called by Maven (maven-antrun-plugin, package phase, after shade) and by scripts/install.sh
# (with only DIST, to re-create the archives at the installed location: "cds DIST").
set -eu

here=$(cd -P -- "$(dirname -- "$0")" && pwd)

# cds DIST JAR CMD...: (re)create DIST/lib/JAR.jsa, a static class-data-sharing archive of the
# classes that "CMD --help" loads, for every command CMD of that jar. Static, not dynamic
# (-XX:ArchiveClassesAtExit): picocli is compiled for Java 5 and JDK 17 leaves such classes out of
# a dynamic archive, but a static dump (-Xshare:dump) takes them, which halves the start-up work
# left after the JVM's own (docs/benchmarks.md). Best effort: without an archive the launcher still
# works, only slower to start.
cds() {
  cds_dist=$1 cds_jar=$2
  shift 2
  cds_lib=$(cd -P -- "$cds_dist/lib" && pwd)  # the path the launcher puts on the class path
  rm -f "$cds_lib/$cds_jar.jsa" "$cds_lib/$cds_jar.classlist"
  if [ -n "${WGMESH_JAVA:-}" ]; then cds_java=$WGMESH_JAVA
  elif [ -n "${JAVA_HOME:-}" ]; then cds_java=$JAVA_HOME/bin/java
  else cds_java=java; fi
  cds_ok=true
  # Training launchers: the real one with its own flags, no archive, and a class list per run.
  cds_work=$(mktemp -d "${TMPDIR:-/tmp}/wgmesh-cds.XXXXXX")
  mkdir -p "$cds_work/bin" "$cds_work/run"
  for cds_cmd in "$@"; do
    printf '#!/bin/sh\nWGMESH_CDS=off WGMESH_JAVA_OPTS="-XX:DumpLoadedClassList=%s.$$" exec "%s" "$@"\n' \
      "$cds_work/classlist" "$cds_dist/bin/$cds_cmd" >"$cds_work/bin/$cds_cmd"
    chmod 755 "$cds_work/bin/$cds_cmd"
    "$cds_work/bin/$cds_cmd" --help >/dev/null 2>>"$cds_lib/$cds_jar.jsa.log" || cds_ok=false
  done
  if [ -f "$cds_lib/$cds_jar.cds-training.sh" ]; then
    sh "$cds_lib/$cds_jar.cds-training.sh" "$cds_work/bin" "$cds_work/run" >/dev/null 2>>"$cds_lib/$cds_jar.jsa.log" \
      || echo "warning: CDS training of $cds_jar.jar failed (see $cds_lib/$cds_jar.jsa.log); the archive covers --help only" >&2
  fi
  # One list, first occurrence of each line kept (the order is the load order), comments dropped.
  cat "$cds_work/classlist."* 2>/dev/null | awk '!/^#/ && !seen[$0]++' >"$cds_lib/$cds_jar.classlist"
  rm -rf "$cds_work"
  if $cds_ok && [ -s "$cds_lib/$cds_jar.classlist" ] \
      && "$cds_java" -Xshare:dump -XX:SharedClassListFile="$cds_lib/$cds_jar.classlist" \
        -XX:SharedArchiveFile="$cds_lib/$cds_jar.jsa" -cp "$cds_lib/$cds_jar.jar" \
        -Xlog:disable -Xlog:all=error:stderr >/dev/null 2>>"$cds_lib/$cds_jar.jsa.log" \
      && [ -s "$cds_lib/$cds_jar.jsa" ]; then
    # The class list stays: it names classes, not the JVM's layout of them, so a package can ship
    # it and make the archive for the JVM it is installed with ("make-launchers.sh dump DIST").
    rm -f "$cds_lib/$cds_jar.jsa.log"
  else
    echo "warning: no class-data-sharing archive for $cds_jar.jar (see $cds_lib/$cds_jar.jsa.log); start-up will be slower" >&2
    rm -f "$cds_lib/$cds_jar.jsa" "$cds_lib/$cds_jar.classlist"
  fi
}

# dump DIST: (re)create DIST/lib/JAR.jsa from the class list DIST/lib/JAR.classlist that an
# earlier "cds" left, with the JVM found as above: one "java -Xshare:dump" per jar, no training
# runs. The Debian package's postinst does this, since an archive only works with the JVM that
# wrote it. Best effort, like "cds".
if [ "${1:-}" = dump ]; then
  dump_lib=$(cd -P -- "$2/lib" && pwd)
  if [ -n "${WGMESH_JAVA:-}" ]; then dump_java=$WGMESH_JAVA
  elif [ -n "${JAVA_HOME:-}" ]; then dump_java=$JAVA_HOME/bin/java
  else dump_java=java; fi
  for list in "$dump_lib"/*.classlist; do
    [ -s "$list" ] || continue
    jar=${list%.classlist}
    rm -f "$jar.jsa"
    if "$dump_java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$jar.jsa" \
        -cp "$jar.jar" -Xlog:disable -Xlog:all=error:stderr >/dev/null 2>"$jar.jsa.log" && [ -s "$jar.jsa" ]; then
      rm -f "$jar.jsa.log"
    else
      echo "warning: no class-data-sharing archive for ${jar##*/}.jar (see $jar.jsa.log); start-up will be slower" >&2
      rm -f "$jar.jsa"
    fi
  done
  exit 0
fi

if [ "${1:-}" = cds ]; then
  # Re-create the archive of every jar that has a launcher, from all of that jar's launchers.
  dist=$2
  jars=$(for launcher in "$dist"/bin/*; do [ -f "$launcher" ] && sed -n 's/^# jar=//p' "$launcher"; done | sort -u)
  for jar in $jars; do
    # shellcheck disable=SC2046
    cds "$dist" "$jar" $(grep -l "^# jar=$jar\$" "$dist"/bin/* | xargs -n 1 basename)
  done
  exit 0
fi

descriptors=$1
jarname=$2
dist=$3
[ -d "$descriptors" ] || exit 0
mkdir -p "$dist/bin"
first=
rm -f "$dist/lib/$jarname.cds-training.sh"
if [ -f "$descriptors/cds-training.sh" ]; then
  cp "$descriptors/cds-training.sh" "$dist/lib/$jarname.cds-training.sh"
fi
for d in "$descriptors"/*; do
  [ -f "$d" ] || continue
  name=$(basename -- "$d")
  [ "$name" != cds-training.sh ] || continue
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
# shellcheck disable=SC2046
[ -z "$first" ] || cds "$dist" "$jarname" $(for d in "$descriptors"/*; do [ -f "$d" ] && [ "${d##*/}" != cds-training.sh ] && basename -- "$d"; done)
