package org.wgmesh.site.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.Lock;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.record.MeshRecord;
import org.wgmesh.core.record.PublicationPlan;
import org.wgmesh.core.record.PublicationPlanner;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.record.RecordNames;
import org.wgmesh.core.site.RetiredHost;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyRoll;
import org.wgmesh.core.site.SiteKeyRolls;
import org.wgmesh.site.publish.names.NameDiff;
import org.wgmesh.site.publish.names.NameRecords;
import org.wgmesh.site.publish.names.NamesState;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.status.ObservedHosts;

/**
 * The {@code wgpub} service: publishes a site file's mesh to its target. {@link #prepare} reads the
 * site, its publication state and what the target holds, plans the records and computes the
 * difference (so the caller can show it); {@link #apply} writes it in the safe order, saves the
 * state once the mesh record is out, and frees the numbers of removed hosts once their records are
 * deleted. During a site-key roll it announces the next key; once the overlap is over it signs with
 * the next key alone and, after publishing, drops the old one ({@link SiteKeyRolls#complete}). A
 * run loads the site file once, in {@link #prepare}, and hands that site to every later step.
 *
 * <p>Idempotent: a second run with nothing changed finds an empty difference and writes nothing. A
 * run that fails half-way is completed by the next one (see {@link PublishService}).
 */
public final class SitePublication {
  /** Records are re-signed when less than this part of their lifetime is left. */
  static final int RENEW_WHEN_LEFT_DIVISOR = 3;

  private final Reporter reporter;
  private final BiFunction<String, Path, Publisher> publishers;
  private final Clock clock;
  private final Duration lockWait;
  private final Function<Path, Site> siteLoader;

  /** With the real publishers ({@link Publishers#fromUri(String, Path)}) and the system clock. */
  public SitePublication(Reporter reporter) {
    this(reporter, Publishers::fromUri, Clock.systemUTC());
  }

  /** With another publisher factory (uri, site directory) and clock: tests. */
  public SitePublication(
      Reporter reporter, BiFunction<String, Path, Publisher> publishers, Clock clock) {
    this(reporter, publishers, clock, SiteFile.LOCK_WAIT, SiteFile::load);
  }

  private SitePublication(
      Reporter reporter,
      BiFunction<String, Path, Publisher> publishers,
      Clock clock,
      Duration lockWait,
      Function<Path, Site> siteLoader) {
    this.reporter = reporter;
    this.publishers = publishers;
    this.clock = clock;
    this.lockWait = lockWait;
    this.siteLoader = siteLoader;
  }

  /** The same service waiting at most {@code wait} for the site file's lock (tests). */
  public SitePublication withLockWait(Duration wait) {
    return new SitePublication(reporter, publishers, clock, wait, siteLoader);
  }

  /**
   * The same service loading the site file with {@code loader} instead of {@link SiteFile#load}
   * (tests count the loads of a run: one).
   */
  public SitePublication withSiteLoader(Function<Path, Site> loader) {
    return new SitePublication(reporter, publishers, clock, lockWait, loader);
  }

  /**
   * Where the publication state of {@code siteFile} lives: {@code <name>.publish-state} beside it,
   * mode 0600.
   */
  public static Path statePath(Path siteFile) {
    String name = siteFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return siteFile.resolveSibling(name + ".publish-state");
  }

  /**
   * Reads and plans; writes nothing.
   *
   * @param publishOverride a target URI instead of the site file's {@code publish:}, if any
   * @param dryRun whether {@link #apply} must only report
   * @return the prepared publication; close it when done
   * @throws org.wgmesh.core.error.ConfigException for an invalid site file, state file or target
   *     URI
   * @throws org.wgmesh.core.error.PublishException when the target cannot be read
   */
  public Prepared prepare(Path siteFile, Optional<String> publishOverride, boolean dryRun) {
    // The one place a dry run differs from a real one: it swaps in the two decorators that
    // report instead of writing (DNS records; lock, state and site file). Nothing below asks.
    PublicationFiles files =
        dryRun
            ? new DryRunPublicationFiles(reporter)
            : new DiskPublicationFiles(reporter, lockWait);
    UnaryOperator<Publisher> decorate =
        dryRun ? target -> new DryRunPublisher(target, reporter) : UnaryOperator.identity();
    // A real run holds the site file's lock from this read until close(), so a wgsite -i/--remove
    // cannot slip between reading the site and writing its retired list back (and two wgpub runs
    // do not publish over each other).
    Lock lock = files.lock(siteFile);
    try {
      return prepareLocked(siteFile, publishOverride, files, decorate, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private Prepared prepareLocked(
      Path siteFile,
      Optional<String> publishOverride,
      PublicationFiles files,
      UnaryOperator<Publisher> decorate,
      Lock lock) {
    Site site = siteLoader.apply(siteFile);
    String uri = publishOverride.orElseGet(site::publishTarget);
    Path siteDir = siteFile.toAbsolutePath().getParent();
    Publisher publisher = decorate.apply(publishers.apply(uri, siteDir));
    try {
      Path statePath = statePath(siteFile);
      PublicationState state = readState(statePath);
      String domain = TxtRecordSet.normalize(site.settings().domain());
      PublishService service = new PublishService(publisher, reporter);
      Map<String, TxtRecordSet> current =
          withRemovedClients(
              service,
              domain,
              site,
              service.readCurrent(domain, candidateNames(domain, site, state)));
      Duration lifetime = site.recordLifetime();
      Instant now = clock.instant();
      // A site-key roll: during the overlap the current key signs and the mesh record announces
      // the next one; once it is over the next key signs alone (and apply() drops the old one).
      Optional<SiteKeyRoll> roll = site.keyPolicy().roll();
      boolean switched = roll.isPresent() && roll.get().due(now);
      SiteKeys keys = switched ? roll.get().nextKeys() : site.keys();
      if (switched) {
        reporter.info(
            "site-key roll: the overlap ended at %s, signing with the new key %s alone",
            roll.get().at(), keys.fingerprint());
      } else if (roll.isPresent()) {
        reporter.detail(
            "site-key roll: announcing the next key %s until %s",
            roll.get().nextSigning().publicKey().fingerprint(), roll.get().at());
      }
      // During a roll's overlap the mesh record announces the next keys; once switched, none.
      Optional<SiteKeyRoll> announced = roll.filter(r -> !switched);
      PublicationPlanner planner =
          new PublicationPlanner(
                  keys,
                  Math.toIntExact(site.ttl().toSeconds()),
                  lifetime,
                  lifetime.dividedBy(RENEW_WHEN_LEFT_DIVISOR))
              .withGroupKeyMaxAge(site.keyPolicy().groupKeyMaxAge())
              .withKeySwitchDelay(site.keyPolicy().switchDelay())
              .withNextKeys(
                  announced.map(r -> r.nextSigning().publicKey()),
                  announced.map(r -> r.nextBox().publicKey()));
      // Each host where its peers agree it is (issue 24), as the site's policy allows.
      List<HostEntry> hosts =
          ObservedHosts.hosts(site, siteFile, now, message -> reporter.warn("%s", message));
      PublicationPlan plan =
          planner.plan(site.settings(), hosts, site.clientEntries(), state, current, now);
      reportKeySwitches(site, plan.newState());
      RecordDiff diff =
          RecordDiff.between(
              current,
              new RecordChanges(
                  plan.upsertsBeforeMesh(), plan.meshRecord(), plan.deletesAfterMesh()));
      List<Integer> retired = site.retired().stream().map(RetiredHost::number).toList();
      // Names (issue 25): A/AAAA and PTR records beside the TXT records, against what wgpub wrote
      // before (the names state), so that removals delete exactly wgmesh's own records.
      Path namesStatePath = NamesState.pathFor(siteFile);
      NamesState namesWritten = NamesState.read(namesStatePath);
      Map<NameZone, List<NameRecordSet>> namesWanted = NameRecords.wanted(site);
      NameDiff names = NameDiff.between(namesWanted, namesWritten, publisher);
      return new Prepared(
          siteFile,
          site,
          statePath,
          publisher,
          service,
          files,
          diff,
          plan.newState(),
          retired,
          lock,
          switched ? Optional.of(now) : Optional.empty(),
          new NamesChange(names, namesStatePath, namesWritten, new NamesState(namesWanted)));
    } catch (RuntimeException e) {
      publisher.close();
      throw e;
    }
  }

  /** One line per host key switch the records carry, still ahead (issue 12). */
  private void reportKeySwitches(Site site, PublicationState published) {
    for (HostEntry h : site.hosts()) {
      PublicationState.Switch w = published.switches().get(h.uuid());
      if (w != null) {
        reporter.info(
            "h%d (%s): key switch to %s at %s",
            h.number(), h.hostname(), w.newKey().fingerprint(), w.at());
      }
    }
  }

  /**
   * Writes the prepared difference (nothing in a dry run), saves the publication state once the
   * host, key and mesh records are written, and after the deletions removes the published removals
   * from the site file's {@code retired} list.
   *
   * @throws org.wgmesh.core.error.PublishException when the target fails; the message says how far
   *     it got and the next run completes it
   * @throws FileException when the state or site file cannot be written
   */
  public void apply(Prepared p) {
    p.service.apply(p.diff, () -> p.files.saveState(p.statePath, p.newState));
    applyNames(p);
    Site site = p.files.freeRetired(p.siteFile, p.site, p.retiredNumbers);
    // Once every record is signed by the new key: drop the old one.
    p.rollDoneAt.ifPresent(at -> p.files.completeRoll(p.siteFile, site, at));
  }

  /**
   * Writes the name records (issue 25). The names state first grows to every record this run may
   * write (so a failure half-way still knows them), then becomes exactly what is wanted; a site
   * without names and without a state file gets none.
   */
  private void applyNames(Prepared p) {
    NamesChange n = p.names;
    if (!n.diff().isEmpty()) {
      p.files.saveNamesState(n.statePath(), n.written().union(n.wanted()));
      n.diff().apply(p.publisher);
      reporter.info(
          "%s: %s: %d name RRset(s), %d deleted",
          p.publisher.describe(),
          p.publisher.writtenVerb(),
          n.diff().entries().size() - n.diff().count(NameDiff.Action.DELETE),
          n.diff().count(NameDiff.Action.DELETE));
    }
    p.files.saveNamesState(n.statePath(), n.wanted());
  }

  /**
   * The name records part of a publication.
   *
   * @param diff what to write
   * @param statePath the names state file
   * @param written what the state says wgpub wrote before
   * @param wanted what the site wants now (the state once written)
   */
  record NamesChange(NameDiff diff, Path statePath, NamesState written, NamesState wanted) {}

  /**
   * Every name this site may have published: the mesh record, current hosts' host and key records,
   * and those of the members the state remembers and of retired hosts. Targets that cannot list
   * their records (RFC 2136) read exactly these.
   */
  static Set<String> candidateNames(String domain, Site site, PublicationState state) {
    Set<String> names = new TreeSet<>();
    names.add(domain);
    for (HostEntry h : site.hosts()) {
      names.add(RecordNames.hostRecordName(domain, h.number()));
      names.add(RecordNames.keyRecordName(domain, h.publicKey()));
    }
    for (PublicationState.Member m : state.members().values()) {
      names.add(RecordNames.hostRecordName(domain, m.number()));
      names.add(RecordNames.keyRecordName(domain, m.publicKey()));
    }
    for (RetiredHost r : site.retired()) {
      names.add(RecordNames.hostRecordName(domain, r.number()));
    }
    for (ClientEntry c : site.clientEntries()) {
      names.add(RecordNames.clientRecordName(domain, c.number()));
    }
    return names;
  }

  /**
   * {@code current} with the records of clients the published mesh record lists but the site file
   * no longer has (issue 25): a removed client's record is found there and deleted, as a retired
   * host's is. Clients leave no retired list: the mesh record is the list.
   */
  private static Map<String, TxtRecordSet> withRemovedClients(
      PublishService service, String domain, Site site, Map<String, TxtRecordSet> current) {
    TxtRecordSet mesh = current.get(domain);
    if (mesh == null) {
      return current;
    }
    Set<String> extra = new TreeSet<>();
    for (int n : MeshRecord.publishedClients(mesh, site.keys().signing().publicKey(), domain)) {
      String name = RecordNames.clientRecordName(domain, n);
      if (!current.containsKey(name)) {
        extra.add(name);
      }
    }
    if (extra.isEmpty()) {
      return current;
    }
    Map<String, TxtRecordSet> all = new TreeMap<>(current);
    all.putAll(service.readCurrent(domain, extra));
    return all;
  }

  /** The publication state at {@code statePath}, empty when there is none. */
  static PublicationState readState(Path statePath) {
    try {
      return PublicationState.parse(
          Files.readString(statePath, StandardCharsets.UTF_8), statePath.toString());
    } catch (NoSuchFileException e) {
      return PublicationState.empty();
    } catch (IOException e) {
      throw new FileException(statePath.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }

  /** A planned publication, ready to show and apply. */
  public static final class Prepared implements AutoCloseable {
    private final Path siteFile;
    private final Site site;
    private final Path statePath;
    private final Publisher publisher;
    private final PublishService service;
    private final PublicationFiles files;
    private final RecordDiff diff;
    private final PublicationState newState;
    private final List<Integer> retiredNumbers;
    private final Lock lock;
    private final Optional<Instant> rollDoneAt;
    private final NamesChange names;

    Prepared(
        Path siteFile,
        Site site,
        Path statePath,
        Publisher publisher,
        PublishService service,
        PublicationFiles files,
        RecordDiff diff,
        PublicationState newState,
        List<Integer> retiredNumbers,
        Lock lock,
        Optional<Instant> rollDoneAt,
        NamesChange names) {
      this.siteFile = siteFile;
      this.site = site;
      this.statePath = statePath;
      this.publisher = publisher;
      this.service = service;
      this.files = files;
      this.diff = diff;
      this.newState = newState;
      this.retiredNumbers = List.copyOf(retiredNumbers);
      this.lock = lock;
      this.rollDoneAt = rollDoneAt;
      this.names = names;
    }

    /** What changes of the name records (issue 25). */
    public NameDiff names() {
      return names.diff();
    }

    /** What will change. */
    public RecordDiff diff() {
      return diff;
    }

    /** The target, for messages (no secrets). */
    public String target() {
      return publisher.describe();
    }

    @Override
    public void close() {
      try {
        publisher.close();
      } finally {
        lock.close();
      }
    }
  }
}
