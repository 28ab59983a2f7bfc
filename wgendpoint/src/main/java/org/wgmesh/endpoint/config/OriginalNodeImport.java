package org.wgmesh.endpoint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.original.OriginalKey;
import org.wgmesh.core.original.OriginalKeys;
import org.wgmesh.core.original.OriginalNode;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.record.KeyRecord;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wgconfig --import-original NODE.yaml} (issue 26, plan §2.3): enrols a host of the original
 * wgmesh keeping what its peers know of it, so it needs no new registration. Its uuid, host name,
 * interfaces and addresses come from its node file, and its node key becomes the host key.
 *
 * <p>Order: the node file, its key and the target key file are all checked first, so a bad file
 * writes neither the endpoint file nor the replay-protection file. Then {@link Enrolment} does what
 * {@code wgconfig} always does (DNS, verification, pinning, the diff), with the node's settings
 * placed before the options' (so options override) and the node's uuid last. Then the key is
 * copied. Last, the key record of the imported key tells whether the site has admitted it.
 *
 * <p>Idempotent: a second run with the same files changes nothing.
 */
public final class OriginalNodeImport {
  private final Reporter reporter;
  private final Function<EnrolOptions, Enrolment.Result> enrolment;
  private final Function<EnrolOptions, DnsSource> sources;

  /**
   * @param enrolment the enrolment that reads the mesh record and writes the endpoint file
   * @param sources where records are read from, for the key-record lookup (the enrolment's)
   */
  public OriginalNodeImport(
      Reporter reporter,
      Function<EnrolOptions, Enrolment.Result> enrolment,
      Function<EnrolOptions, DnsSource> sources) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.enrolment = Objects.requireNonNull(enrolment, "enrolment");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  /**
   * What one import did.
   *
   * @param enrolled what the enrolment did to the endpoint file
   * @param keySource the original key file read
   * @param hostKey the endpoint's host key file
   * @param keyWritten whether the key was copied now (false: it was there already)
   * @param admittedAs the host number of the site's key record for the key; empty when the site has
   *     not published one (or it could not be read, which was warned about)
   */
  public record Result(
      Enrolment.Result enrolled,
      Path keySource,
      Path hostKey,
      boolean keyWritten,
      OptionalInt admittedAs) {}

  /**
   * Imports the node file {@code nodeFile} with the key in {@code keyFile}, else its {@code
   * secret_key_file}, else {@code node_<locus>.key} beside it.
   *
   * @param options the wgconfig options; their changes override the node file's settings
   * @throws org.wgmesh.core.error.ConfigException when the node file, the key or a {@code .pub}
   *     beside it is invalid or they do not match (naming the file and property)
   * @throws FileException when a file cannot be read or written
   * @throws ConflictException when the endpoint file has another uuid, or the host key file holds
   *     another key
   * @throws RecordException as {@link Enrolment#enrol}, and the rest it throws
   */
  public Result run(Path nodeFile, Optional<Path> keyFile, EnrolOptions options) {
    OriginalNode node = OriginalYaml.readNode(nodeFile);
    Path keySource = keyFile.orElseGet(() -> keyFileOf(node, nodeFile));
    OriginalKey key = OriginalKeys.nodeKey(node, keySource);
    EnrolOptions all = withNode(options, node);
    Optional<EndpointConfig> existing = existing(all);
    checkUuid(existing, node, all);
    ImportedHostKey hostKey =
        ImportedHostKey.check(key, targetKeyFile(existing, all), all.domain());

    Enrolment.Result enrolled = enrolment.apply(all);
    if (!enrolled.config().hostKey().equals(hostKey.target())) {
      // Both come from the same changes; a difference is a bug, not a user error.
      throw new IllegalStateException(
          "host key " + enrolled.config().hostKey() + " is not " + hostKey.target());
    }
    boolean keyWritten = hostKey.install();
    // Once, with the copy: the original's file stays as it is until its owner removes it.
    if (keyWritten && key.readableByOthers()) {
      reporter.warn(
          "%s can be read by group or others (the original wrote its keys 0644): the copy %s is"
              + " 0600; remove the original's key files once this host has moved",
          keySource, hostKey.target());
    }
    notes(node, enrolled.config(), enrolled.created());
    return new Result(enrolled, keySource, hostKey.target(), keyWritten, admission(enrolled, key));
  }

  /**
   * The key the original named ({@code secret_key_file}, relative to the node file's directory)
   * when it exists, else {@code node_<locus>.key} beside the node file (a copied node directory).
   *
   * @throws FileException when neither exists
   */
  static Path keyFileOf(OriginalNode node, Path nodeFile) {
    Path dir = nodeFile.toAbsolutePath().getParent();
    Path beside = dir.resolve("node_" + node.locus() + ".key");
    Optional<Path> named = node.secretKeyFile().map(dir::resolve);
    if (named.isPresent() && Files.exists(named.get())) {
      return named.get();
    }
    if (Files.exists(beside)) {
      return beside;
    }
    throw new FileException(
        named.orElse(beside).toString(),
        "the node's key file does not exist"
            + (named.isPresent() ? " (Property 'local.secret_key_file' of " + nodeFile + ")" : "")
            + ", nor does "
            + beside,
        "give the original key file with --original-key");
  }

  /** The node's settings first, then the options' (they override), then the node's uuid. */
  private static EnrolOptions withNode(EnrolOptions o, OriginalNode node) {
    List<Consumer<EndpointConfig.Builder>> changes = new ArrayList<>(OriginalNodeSettings.of(node));
    changes.addAll(o.changes());
    // After Enrolment's first run, which would make a random uuid: the site knows this one.
    changes.add(b -> b.uuid = node.uuid());
    return new EnrolOptions(
        o.domain(), o.configDir(), o.siteFingerprint(), o.resolver(), o.zoneFile(), changes);
  }

  private static Optional<EndpointConfig> existing(EnrolOptions o) {
    return EndpointFile.exists(o.configDir(), o.domain())
        ? Optional.of(EndpointFile.load(EndpointPaths.path(o.configDir(), o.domain()), o.domain()))
        : Optional.empty();
  }

  /** An endpoint that is already another host must not become this one. */
  private static void checkUuid(
      Optional<EndpointConfig> existing, OriginalNode node, EnrolOptions o) {
    if (existing.isPresent() && !existing.get().uuid().equals(node.uuid())) {
      throw new ConflictException(
          EndpointPaths.path(o.configDir(), o.domain()).toString(),
          "Property 'uuid': this endpoint is "
              + existing.get().uuid()
              + ", the original node file "
              + node.source()
              + " is "
              + node.uuid(),
          "nothing was changed. An endpoint keeps its uuid; import into a new endpoint file"
              + " (move this one away) if this host really is the original's");
    }
  }

  /**
   * The host key file the endpoint will have: the existing file's (or the default), with the
   * options applied ({@code --host-key}). Computed before the enrolment writes anything.
   */
  private static Path targetKeyFile(Optional<EndpointConfig> existing, EnrolOptions o) {
    EndpointConfig.Builder b =
        existing.map(EndpointConfig::toBuilder).orElseGet(EndpointConfig::builder);
    if (existing.isEmpty()) {
      b.hostKey = EndpointPaths.defaultHostKey(o.configDir(), o.domain());
    }
    o.changes().forEach(c -> c.accept(b));
    return b.hostKey;
  }

  /** What the node file says that this endpoint does not keep, or keeps differently. */
  private void notes(OriginalNode node, EndpointConfig config, boolean created) {
    if (!config.domain().toString().equalsIgnoreCase(stripDot(node.siteDomain()))) {
      reporter.info(
          "the node file's site_domain is %s; this endpoint now follows %s",
          node.siteDomain(), config.domain());
    }
    if (!node.locus().equals(config.locus())) {
      reporter.warn(
          "the original's locus was %s, the mesh's is %s: the mesh's names (and the default"
              + " namespace) follow %s",
          node.locus(), config.locus(), config.locus());
    }
    if (created) {
      reporter.info(
          "the original ran in namespace 'private': stop its units (wgmesh@private, bird@private)"
              + " before wgdeploy sets up namespace %s",
          config.effectiveNetns());
    }
    reporter.detail(
        "not kept from %s: asn (the site assigns it), cmdfping, public_key_file, site_pubkey (the"
            + " site fingerprint pins the new site key)",
        node.source());
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /**
   * Whether the site has published a key record for the imported key, opened with it: proof that
   * the site admitted this key (the record is sealed by the site's box key). Not an error when
   * absent: the site may import the host later; then wgdeploy works without wghost.
   */
  private OptionalInt admission(Enrolment.Result enrolled, OriginalKey key) {
    EndpointConfig c = enrolled.config();
    String name = RecordNames.keyRecordName(c.domain().toString(), key.key().publicKey());
    try {
      DnsSource source =
          sources.apply(
              new EnrolOptions(
                  c.domain(),
                  enrolled.file().getParent(),
                  Optional.empty(),
                  c.resolver(),
                  c.zoneFile(),
                  List.of()));
      Optional<TxtRecordSet> record = source.lookup(name);
      if (record.isEmpty()) {
        reporter.warn(
            "this host is not imported/published on the site yet (no key record %s): on the site"
                + " controller, import it (wgsite --import-original, or wgsite -i with its original"
                + " blob) and run wgpub; then run wgdeploy here (no wghost needed)",
            name);
        return OptionalInt.empty();
      }
      KeyRecord opened =
          KeyRecord.decode(
              record.get(),
              key.key(),
              HostKeys.readHpke(c.hostKey(), c.domain()),
              c.siteBoxKey(),
              c.domain().toString());
      return OptionalInt.of(opened.hostNumber());
    } catch (RecordException | DnsException e) {
      reporter.warn(
          "could not check whether the site has admitted this host: %s: %s", e.what(), e.why());
      return OptionalInt.empty();
    }
  }
}
