package org.wgmesh.site.publish.route53;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.site.publish.target.DomainNames;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.target.QuotedStrings;
import org.wgmesh.site.publish.target.TargetUri;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * Publishes to an AWS Route53 hosted zone ({@code route53:ZONE_ID}). Credentials come from the AWS
 * SDK's standard chain (environment, system properties, profile, container or instance role), never
 * from the site file. Changes are sent in batches within Route53's limits (1000 records and 32,000
 * characters of values per request, an UPSERT counting twice); each batch is applied by Route53 all
 * or nothing. Throttling ({@code Throttling}, {@code PriorRequestNotComplete}) is retried with
 * exponential backoff by the SDK's retry strategy. By default every batch is followed until Route53
 * reports it {@code INSYNC}, so the mesh record never becomes visible before the host records it
 * lists.
 *
 * <p>This is the only class that imports the AWS SDK.
 */
public final class Route53Publisher implements Publisher {
  static final int MAX_RECORDS_PER_BATCH = 1000;
  static final int MAX_VALUE_CHARS_PER_BATCH = 32_000;

  private final Route53Client client;
  private final String zoneId;
  private final boolean waitForSync;
  private final Duration pollInterval;
  private final Duration maxWait;
  private final Limits limits;
  private int batchesSent;
  private final Map<String, String> reverseZoneIds = new HashMap<>();

  /**
   * @param client a client from {@link #newClient}
   * @param zoneId the hosted zone id, with or without the {@code /hostedzone/} prefix
   * @param waitForSync whether to wait for each batch to reach INSYNC before the next
   * @param pollInterval how often to ask for a batch's status
   * @param maxWait how long to wait for one batch
   */
  public Route53Publisher(
      Route53Client client,
      String zoneId,
      boolean waitForSync,
      Duration pollInterval,
      Duration maxWait) {
    this(client, zoneId, waitForSync, pollInterval, maxWait, Limits.DEFAULT);
  }

  /**
   * @param limits the limits {@code client} was made with, for messages
   */
  public Route53Publisher(
      Route53Client client,
      String zoneId,
      boolean waitForSync,
      Duration pollInterval,
      Duration maxWait,
      Limits limits) {
    this.limits = limits;
    this.client = client;
    this.zoneId = zoneId.replaceFirst("^/?hostedzone/", "");
    this.waitForSync = waitForSync;
    this.pollInterval = pollInterval;
    this.maxWait = maxWait;
  }

  /**
   * How long Route53 calls may take. A hung endpoint costs at most {@code callTimeout} per call
   * (the first call fails, so wgpub stops there); each attempt is cut at {@code attemptTimeout};
   * failed attempts (throttling, timeouts, connection errors) are retried up to {@code retries}
   * times with exponential backoff from {@code baseDelay} up to 20 seconds, within {@code
   * callTimeout}.
   */
  public record Limits(
      Duration callTimeout, Duration attemptTimeout, int retries, Duration baseDelay) {
    /**
     * The defaults: 60 s per call, 20 s per attempt, 7 retries from 500 ms. The backoff of 7
     * retries adds up to about 51 s, so throttling is ridden out within the call's minute.
     */
    public static final Limits DEFAULT =
        new Limits(Duration.ofSeconds(60), Duration.ofSeconds(20), 7, Duration.ofMillis(500));

    /** The same with another base delay (tests retry without waiting). */
    public Limits withBaseDelay(Duration delay) {
      return new Limits(callTimeout, attemptTimeout, retries, delay);
    }
  }

  /**
   * {@link #newClient(Optional, AwsCredentialsProvider, Limits)} for another endpoint than AWS's
   * (tests use a local fake) with the default limits and this delay.
   */
  public static Route53Client newClient(
      URI endpoint, AwsCredentialsProvider credentials, Duration baseDelay) {
    return newClient(Optional.of(endpoint), credentials, Limits.DEFAULT.withBaseDelay(baseDelay));
  }

  /**
   * A Route53 client with the JDK's HTTP client, the global region, the timeouts of {@code limits},
   * and its retry budget.
   *
   * @param endpoint an endpoint other than AWS's (tests use a local fake), if any
   * @param credentials where credentials come from (production: the default chain)
   */
  public static Route53Client newClient(
      Optional<URI> endpoint, AwsCredentialsProvider credentials, Limits limits) {
    BackoffStrategy backoff =
        BackoffStrategy.exponentialDelay(limits.baseDelay(), Duration.ofSeconds(20));
    RetryStrategy retry =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(limits.retries() + 1)
            .backoffStrategy(backoff)
            .throttlingBackoffStrategy(backoff)
            // The token bucket would stop retrying a long publish that meets many throttles.
            .circuitBreakerEnabled(false)
            .build();
    Duration connect =
        limits.attemptTimeout().compareTo(Duration.ofSeconds(10)) < 0
            ? limits.attemptTimeout()
            : Duration.ofSeconds(10);
    Route53ClientBuilder b =
        Route53Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(connect)
                    .socketTimeout(limits.attemptTimeout())
                    .build())
            .region(Region.AWS_GLOBAL)
            .credentialsProvider(credentials)
            .overrideConfiguration(
                c ->
                    c.retryStrategy(retry)
                        .apiCallAttemptTimeout(limits.attemptTimeout())
                        .apiCallTimeout(limits.callTimeout()));
    endpoint.ifPresent(b::endpointOverride);
    return b.build();
  }

  /**
   * Makes the publisher for {@code
   * route53:ZONE_ID[?wait=false&endpoint=URL&timeout=S&attempt-timeout=S&retries=N]} with the AWS
   * default credential chain. {@code endpoint} points at another Route53-compatible endpoint.
   *
   * @throws org.wgmesh.core.error.ConfigException for a bad URI
   */
  public static Route53Publisher fromUri(TargetUri uri) {
    uri.allowOnly(Set.of("wait", "endpoint", "timeout", "attempt-timeout", "retries"));
    if (!uri.body().matches("(/?hostedzone/)?[A-Za-z0-9]+")) {
      throw uri.error(
          "'" + uri.body() + "' is not a hosted zone id",
          "write route53:ZONE_ID, e.g. route53:Z0123456789ABCDEFGHIJ");
    }
    boolean wait = uri.flag("wait", true);
    Optional<URI> endpoint = uri.param("endpoint").map(e -> endpoint(uri, e));
    Limits d = Limits.DEFAULT;
    Duration callTimeout = uri.seconds("timeout", d.callTimeout(), 3600);
    Duration attemptTimeout = uri.seconds("attempt-timeout", d.attemptTimeout(), 3600);
    if (attemptTimeout.compareTo(callTimeout) > 0) {
      throw uri.error(
          "attempt-timeout ("
              + attemptTimeout.toSeconds()
              + " s) is longer than timeout ("
              + callTimeout.toSeconds()
              + " s), the bound of a whole call with its retries",
          "make attempt-timeout at most timeout");
    }
    int retries = uri.number("retries", d.retries(), 0, 20);
    Limits limits = new Limits(callTimeout, attemptTimeout, retries, d.baseDelay());
    Route53Client client =
        newClient(endpoint, DefaultCredentialsProvider.builder().build(), limits);
    return new Route53Publisher(
        client, uri.body(), wait, Duration.ofSeconds(2), Duration.ofMinutes(5), limits);
  }

  /** {@code endpoint=} as an absolute http(s) URL with a host and nothing after the path. */
  private static URI endpoint(TargetUri uri, String value) {
    String hint = "write endpoint=https://HOST[:PORT] (URL-encoded inside the target URI)";
    URI parsed;
    try {
      parsed = new URI(value);
    } catch (URISyntaxException e) {
      throw uri.error("endpoint '" + value + "' is not a URL: " + e.getMessage(), hint);
    }
    if (!"http".equalsIgnoreCase(parsed.getScheme())
        && !"https".equalsIgnoreCase(parsed.getScheme())) {
      throw uri.error("endpoint '" + value + "' is not an http or https URL", hint);
    }
    if (parsed.getHost() == null
        || parsed.getPort() == 0
        || parsed.getPort() > 65535
        || parsed.getRawQuery() != null
        || parsed.getRawFragment() != null
        || parsed.getRawUserInfo() != null) {
      throw uri.error(
          "endpoint '" + value + "' needs a host (and a port from 1 to 65535, no user, no query)",
          hint);
    }
    return parsed;
  }

  @Override
  public String describe() {
    return "route53:" + zoneId;
  }

  /** Every TXT RRset of the hosted zone at or below {@code domain} (the whole zone is listed). */
  @Override
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    // Filter by name before parsing values: other TXT records of the zone are none of our business.
    List<TxtRecordSet> sets =
        listTxt("list the records").stream()
            .filter(rr -> DomainNames.isAtOrBelow(fromRoute53Name(rr.name()), domain))
            .map(this::toTxt)
            .toList();
    return DomainNames.atOrBelow(sets, domain);
  }

  @Override
  public void upsert(List<TxtRecordSet> sets) {
    List<Change> changes = new ArrayList<>();
    for (TxtRecordSet set : sets) {
      changes.add(
          Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(toRoute53(set)).build());
    }
    submit(changes, "write of " + sets.size() + " RRset(s)");
  }

  @Override
  public void delete(List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    // Route53 deletes only an exact match of the current values and TTL, so read them first.
    Set<String> wanted = new HashSet<>();
    names.forEach(n -> wanted.add(TxtRecordSet.normalize(n)));
    List<Change> changes = new ArrayList<>();
    for (ResourceRecordSet rr : listTxt("read the records to delete")) {
      if (wanted.contains(fromRoute53Name(rr.name()))) {
        changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(rr).build());
      }
    }
    submit(changes, "deletion of " + changes.size() + " RRset(s)");
  }

  /**
   * The zone's A, AAAA or PTR RRsets at {@code keys}. The forward zone is this target's hosted
   * zone; a reverse zone is the account's hosted zone of that name ({@link #hostedZoneOf}).
   */
  @Override
  public Map<String, NameRecordSet> readNames(NameZone zone, Collection<String> keys) {
    String id = hostedZoneOf(zone);
    Set<String> wanted = new HashSet<>(keys);
    Map<String, NameRecordSet> out = new TreeMap<>();
    for (ResourceRecordSet rr : listRecords(id, "list the name records of " + zone)) {
      NameRecordSet.Type type = nameType(rr.type());
      if (type == null) {
        continue;
      }
      String key = NameRecordSet.key(fromRoute53Name(rr.name()), type);
      if (wanted.contains(key)) {
        out.put(key, toNames(rr, type));
      }
    }
    return out;
  }

  @Override
  public void writeNames(NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return;
    }
    String id = hostedZoneOf(zone);
    List<Change> changes = new ArrayList<>();
    // DELETE must match the current values and TTL exactly: deletes are the RRsets as read.
    deletes.forEach(
        d ->
            changes.add(
                Change.builder()
                    .action(ChangeAction.DELETE)
                    .resourceRecordSet(toRoute53(d))
                    .build()));
    upserts.forEach(
        u ->
            changes.add(
                Change.builder()
                    .action(ChangeAction.UPSERT)
                    .resourceRecordSet(toRoute53(u))
                    .build()));
    submit(id, changes, "name records of " + zone);
  }

  /**
   * The hosted zone id of {@code zone}: this target's for the forward zone, else the account's
   * hosted zone of that name, found with ListHostedZonesByName (IAM: {@code
   * route53:ListHostedZonesByName}) once per run.
   */
  private String hostedZoneOf(NameZone zone) {
    if (!zone.reverse()) {
      return zoneId;
    }
    String cached = reverseZoneIds.get(zone.name());
    if (cached != null) {
      return cached;
    }
    String dnsName = zone.name() + ".";
    List<HostedZone> found =
        call(
            "find the hosted zone of " + zone,
            0,
            () ->
                client.listHostedZonesByName(r -> r.dnsName(dnsName).maxItems("1")).hostedZones());
    HostedZone z =
        found.stream()
            .filter(h -> TxtRecordSet.normalize(h.name()).equals(zone.name()))
            .findFirst()
            .orElseThrow(
                () ->
                    new PublishException(
                        describe(),
                        "no hosted zone " + zone.name() + " for the PTR records",
                        "create it (aws route53 create-hosted-zone --name "
                            + zone.name()
                            + ") and have it delegated, or list other reverse-zones in names:"));
    String id = z.id().replaceFirst("^/?hostedzone/", "");
    reverseZoneIds.put(zone.name(), id);
    return id;
  }

  private static NameRecordSet.Type nameType(RRType t) {
    return switch (t) {
      case A -> NameRecordSet.Type.A;
      case AAAA -> NameRecordSet.Type.AAAA;
      case PTR -> NameRecordSet.Type.PTR;
      default -> null;
    };
  }

  private NameRecordSet toNames(ResourceRecordSet rr, NameRecordSet.Type type) {
    List<String> values = new ArrayList<>();
    for (ResourceRecord v : rr.resourceRecords()) {
      String value = v.value().strip();
      try {
        values.add(
            type == NameRecordSet.Type.PTR
                ? value
                : IpAddress.parse(value, type.name()).toString());
      } catch (InputException e) {
        throw new PublishException(describe(), type + " " + rr.name() + ": " + e.why());
      }
    }
    return new NameRecordSet(
        fromRoute53Name(rr.name()), type, rr.ttl() == null ? 0 : rr.ttl().intValue(), values);
  }

  private static ResourceRecordSet toRoute53(NameRecordSet set) {
    List<ResourceRecord> values =
        set.values().stream()
            .map(
                v ->
                    ResourceRecord.builder()
                        .value(set.type() == NameRecordSet.Type.PTR ? v + "." : v)
                        .build())
            .toList();
    return ResourceRecordSet.builder()
        .name(set.name() + ".")
        .type(RRType.fromValue(set.type().name()))
        .ttl((long) set.ttl())
        .resourceRecords(values)
        .build();
  }

  @Override
  public void close() {
    client.close();
  }

  /** Splits {@code changes} into batches within Route53's limits. */
  static List<List<Change>> batches(List<Change> changes) {
    List<List<Change>> batches = new ArrayList<>();
    List<Change> batch = new ArrayList<>();
    int records = 0;
    int chars = 0;
    for (Change c : changes) {
      int weight = c.action() == ChangeAction.UPSERT ? 2 : 1; // Route53 counts an UPSERT twice
      int r = c.resourceRecordSet().resourceRecords().size() * weight;
      int ch =
          c.resourceRecordSet().resourceRecords().stream().mapToInt(v -> v.value().length()).sum()
              * weight;
      if (!batch.isEmpty()
          && (records + r > MAX_RECORDS_PER_BATCH || chars + ch > MAX_VALUE_CHARS_PER_BATCH)) {
        batches.add(batch);
        batch = new ArrayList<>();
        records = 0;
        chars = 0;
      }
      batch.add(c);
      records += r;
      chars += ch;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** The client's timeouts and retry strategy (for tests). */
  ClientOverrideConfiguration clientConfiguration() {
    return client.serviceClientConfiguration().overrideConfiguration();
  }

  /** Batches sent so far (for tests and reports). */
  int batchesSent() {
    return batchesSent;
  }

  private void submit(List<Change> changes, String what) {
    submit(zoneId, changes, what);
  }

  private void submit(String hostedZone, List<Change> changes, String what) {
    List<List<Change>> batches = batches(changes);
    for (int i = 0; i < batches.size(); i++) {
      String step =
          batches.size() == 1 ? what : what + ", batch " + (i + 1) + " of " + batches.size();
      List<Change> batch = batches.get(i);
      int done = i;
      ChangeInfo info =
          call(
              step,
              done,
              () ->
                  client
                      .changeResourceRecordSets(
                          r ->
                              r.hostedZoneId(hostedZone)
                                  .changeBatch(cb -> cb.comment("wgpub").changes(batch)))
                      .changeInfo());
      batchesSent++;
      if (waitForSync) {
        awaitInSync(info, step, i + 1);
      }
    }
  }

  private void awaitInSync(ChangeInfo info, String step, int batchesDone) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    ChangeInfo current = info;
    while (current.status() != ChangeStatus.INSYNC) {
      if (System.nanoTime() > deadline) {
        throw new PublishException(
            describe(),
            step
                + ": written, but Route53 change "
                + info.id()
                + " is not INSYNC after "
                + maxWait.toSeconds()
                + " s ("
                + batchesDone
                + " batch(es) written)",
            "run wgpub again later: it writes what is still missing");
      }
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PublishException(describe(), step + ": interrupted while waiting for INSYNC");
      }
      String id = info.id();
      current = call(step, batchesDone, () -> client.getChange(r -> r.id(id)).changeInfo());
    }
  }

  private List<ResourceRecordSet> listTxt(String step) {
    return listRecords(zoneId, step).stream().filter(rr -> rr.type() == RRType.TXT).toList();
  }

  /** Every RRset of a hosted zone with values (alias records have none). */
  private List<ResourceRecordSet> listRecords(String hostedZone, String step) {
    return call(
        step,
        0,
        () -> {
          List<ResourceRecordSet> out = new ArrayList<>();
          client
              .listResourceRecordSetsPaginator(r -> r.hostedZoneId(hostedZone))
              .resourceRecordSets()
              .forEach(
                  rr -> {
                    if (rr.resourceRecords() != null && !rr.resourceRecords().isEmpty()) {
                      out.add(rr);
                    }
                  });
          return out;
        });
  }

  private <T> T call(String step, int batchesDone, Supplier<T> request) {
    String progress =
        batchesDone == 0 ? "" : " (" + batchesDone + " earlier batch(es) were written)";
    try {
      return request.get();
    } catch (Route53Exception e) {
      String code = e.awsErrorDetails() == null ? "error" : e.awsErrorDetails().errorCode();
      String message =
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      String hint =
          switch (String.valueOf(code)) {
            case "Throttling", "PriorRequestNotComplete" ->
                "Route53 kept throttling after "
                    + (limits.retries() + 1)
                    + " attempts; run wgpub again in a minute (or raise retries= in the target URI)";
            case "NoSuchHostedZone" ->
                "check the zone id in the publish target (aws route53 list-hosted-zones)";
            case "AccessDenied", "InvalidClientTokenId", "SignatureDoesNotMatch" ->
                "the AWS credentials may not change this zone; check the credential chain (AWS_PROFILE, environment, role) and its IAM policy";
            default -> null;
          };
      throw new PublishException(
          describe(), step + ": Route53 answered " + code + ": " + message + progress, hint, e);
    } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
      throw new PublishException(
          describe(),
          step
              + ": "
              + endpointName()
              + " did not answer in time (each attempt is cut after "
              + limits.attemptTimeout().toSeconds()
              + " s, the call with up to "
              + limits.retries()
              + " retries after "
              + limits.callTimeout().toSeconds()
              + " s)"
              + progress,
          "check the network path to the endpoint; the target URI's attempt-timeout=, timeout= and retries= set these bounds; run wgpub again to complete the publication",
          e);
    } catch (SdkClientException e) {
      throw new PublishException(
          describe(),
          step + ": " + e.getMessage() + progress,
          "check the AWS credentials (environment, ~/.aws profile, instance or container role) and the network path to Route53",
          e);
    } catch (SdkException e) {
      throw new PublishException(describe(), step + ": " + e.getMessage() + progress, null, e);
    }
  }

  /** Route53, or the endpoint it was replaced with. */
  private String endpointName() {
    return client
        .serviceClientConfiguration()
        .endpointOverride()
        .map(u -> "the Route53 endpoint " + u)
        .orElse("Route53");
  }

  private static ResourceRecordSet toRoute53(TxtRecordSet set) {
    List<ResourceRecord> values =
        set.strings().stream()
            .sorted()
            .map(
                s ->
                    ResourceRecord.builder()
                        .value(QuotedStrings.quote(s, QuotedStrings.ROUTE53))
                        .build())
            .toList();
    return ResourceRecordSet.builder()
        .name(set.name() + ".")
        .type(RRType.TXT)
        .ttl((long) set.ttl())
        .resourceRecords(values)
        .build();
  }

  private TxtRecordSet toTxt(ResourceRecordSet rr) {
    String name = fromRoute53Name(rr.name());
    List<String> strings = new ArrayList<>();
    for (ResourceRecord v : rr.resourceRecords()) {
      try {
        strings.addAll(QuotedStrings.parseAll(v.value(), QuotedStrings.ROUTE53));
      } catch (IllegalArgumentException e) {
        throw new PublishException(
            describe(), "TXT " + name + " value " + v.value() + ": " + e.getMessage());
      }
    }
    return new TxtRecordSet(name, rr.ttl() == null ? 0 : rr.ttl().intValue(), strings);
  }

  /** Route53 writes some characters of names as {@code \ooo} octal escapes. */
  static String fromRoute53Name(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\'
          && i + 3 < name.length()
          && name.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        b.append((char) Integer.parseInt(name.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return TxtRecordSet.normalize(b.toString());
  }
}
