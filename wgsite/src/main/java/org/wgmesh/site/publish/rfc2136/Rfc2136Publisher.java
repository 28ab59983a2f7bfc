package org.wgmesh.site.publish.rfc2136;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.DnsjavaSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.site.publish.target.DomainNames;
import org.wgmesh.site.publish.target.NameRecordSet;
import org.wgmesh.site.publish.target.NameZone;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.target.QuotedStrings;
import org.wgmesh.site.publish.target.TargetUri;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Publishes by RFC 2136 dynamic update, signed with a TSIG key (RFC 8945), to an authoritative
 * server such as Knot, BIND or PowerDNS. Updates go over TCP, one message per batch; each message
 * is applied by the server all or nothing. Reads are plain TXT queries of the names the caller
 * names (zone transfers are usually not allowed, and not needed).
 *
 * <p>Made by {@code Publishers.fromUri} from {@code rfc2136://HOST:PORT?zone=..&tsig=..}; see
 * docs/publishing.md.
 */
public final class Rfc2136Publisher implements Publisher {
  /** Room left in a 64 KB TCP message for the header, zone section and TSIG. */
  static final int MAX_UPDATE_BYTES = 48_000;

  private static final int QUERY_WINDOW = 64;

  private final InetSocketAddress server;
  private final Optional<String> configuredZone;
  private final Optional<Tsig> tsig;
  private final Duration timeout;
  private Name zone;

  /**
   * A TSIG key that signs the updates.
   *
   * @param name the key's name, for messages
   * @param key the key
   */
  public record Tsig(String name, TSIG key) {
    public Tsig {
      name = TxtRecordSet.normalize(Objects.requireNonNull(name, "name"));
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * @param server the primary's address (its port included)
   * @param zone the zone to update; empty to find it from the server's SOA answer
   * @param tsig the TSIG key; empty for unsigned updates (address-based ACLs)
   * @param timeout per message
   */
  public Rfc2136Publisher(
      InetSocketAddress server, Optional<String> zone, Optional<Tsig> tsig, Duration timeout) {
    this.server = server;
    this.configuredZone = zone.map(TxtRecordSet::normalize);
    this.tsig = Objects.requireNonNull(tsig, "tsig");
    this.timeout = timeout;
  }

  /** How to make the server accept this publisher's updates, for a refusal's hint. */
  private String allowUpdates() {
    return tsig.isPresent()
        ? "allow key '" + keyName() + "' to update the zone (Knot: an acl with action: update)"
        : "sign the updates: add tsig=NAME (and its secret) to the target URI for a key the server"
            + " allows to update the zone (Knot: an acl with action: update)";
  }

  /**
   * The TSIG key's name, for messages about a signed update; a server that answers an unsigned one
   * with a TSIG error still gets a message, not a crash.
   */
  private String keyName() {
    return tsig.map(Tsig::name).orElse("(none: the update was not signed)");
  }

  /**
   * Makes the publisher for {@code
   * rfc2136://HOST[:PORT]?zone=ZONE&tsig=KEYNAME&algorithm=ALG&secret-file=PATH&timeout=SECONDS}.
   * The secret comes from {@code secret-file} (mode 0600, relative to {@code siteDir}) or, when
   * that is not given, from the environment variable {@code WGMESH_TSIG_SECRET}.
   *
   * @throws org.wgmesh.core.error.ConfigException for a bad URI or secret
   */
  public static Rfc2136Publisher fromUri(TargetUri uri, Path siteDir, Map<String, String> env) {
    uri.allowOnly(Set.of("zone", "tsig", "algorithm", "secret-file", "timeout"));
    URI parsed;
    try {
      parsed = new URI("dns:" + uri.body());
    } catch (URISyntaxException e) {
      throw uri.error(
          "bad host and port: " + e.getMessage(),
          "write rfc2136://HOST:PORT?zone=ZONE&tsig=KEYNAME&secret-file=PATH");
    }
    String host = parsed.getHost();
    if (host == null || !uri.body().startsWith("//")) {
      throw uri.error(
          "no server host", "write rfc2136://HOST:PORT?...; IPv6 addresses go in brackets");
    }
    host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port = parsed.getPort() < 0 ? 53 : parsed.getPort();
    if (port < 1 || port > 65535 || parsed.getPath() != null && !parsed.getPath().isEmpty()) {
      throw uri.error(
          "bad port or path after the host: '" + uri.body() + "'",
          "write rfc2136://HOST:PORT?... with a port from 1 to 65535 (default 53)");
    }
    uri.param("zone").ifPresent(z -> configName(uri, "zone", z));
    uri.param("tsig").ifPresent(k -> configName(uri, "tsig", k));
    Optional<Tsig> tsig = Optional.empty();
    if (uri.param("tsig").isPresent()) {
      String keyName = uri.param("tsig").get();
      String algorithm = uri.param("algorithm").orElse("hmac-sha256");
      Name alg;
      try {
        alg = TSIG.algorithmToName(algorithm);
      } catch (IllegalArgumentException e) {
        alg = null; // dnsjava throws for a name it does not know
      }
      if (alg == null) {
        throw uri.error(
            "unknown TSIG algorithm '" + algorithm + "'",
            "use hmac-sha256, hmac-sha384 or hmac-sha512");
      }
      String secret =
          uri.param("secret-file")
              .map(f -> SecretFiles.readTsigSecret(uri.file("secret-file", siteDir)))
              .or(
                  () ->
                      Optional.ofNullable(env.get("WGMESH_TSIG_SECRET"))
                          .filter(v -> !v.isBlank())
                          .map(String::strip))
              .orElseThrow(
                  () ->
                      uri.error(
                          "TSIG key '" + uri.param("tsig").get() + "' has no secret",
                          "add secret-file=PATH (a file of mode 0600 holding the base64 secret) or set WGMESH_TSIG_SECRET"));
      try {
        tsig =
            Optional.of(
                new Tsig(
                    keyName, new TSIG(alg, dnsName(keyName), Base64.getDecoder().decode(secret))));
      } catch (IllegalArgumentException e) {
        throw uri.error(
            "the TSIG secret is not base64",
            "copy the secret exactly as the DNS server's key configuration has it");
      }
    } else if (uri.param("secret-file").isPresent()) {
      throw uri.error(
          "secret-file given without tsig=KEYNAME",
          "add tsig=KEYNAME, the key's name on the server");
    }
    Duration timeout = uri.seconds("timeout", Duration.ofSeconds(10), 3600);
    return new Rfc2136Publisher(
        new InetSocketAddress(host, port), uri.param("zone"), tsig, timeout);
  }

  /** Checks that parameter {@code key} of {@code uri} is a DNS name. */
  private static void configName(TargetUri uri, String key, String value) {
    try {
      Name.fromString(TxtRecordSet.normalize(value) + ".");
    } catch (TextParseException e) {
      throw uri.error(key + " '" + value + "' is not a DNS name: " + e.getMessage());
    }
  }

  @Override
  public String describe() {
    String host =
        server.getHostString().contains(":")
            ? "[" + server.getHostString() + "]"
            : server.getHostString();
    return "rfc2136://"
        + host
        + ":"
        + server.getPort()
        + configuredZone.map(z -> "?zone=" + z).orElse("");
  }

  @Override
  public Map<String, TxtRecordSet> readCurrent(String domain, Collection<String> candidateNames) {
    Set<String> names = new LinkedHashSet<>();
    names.add(TxtRecordSet.normalize(domain));
    for (String n : candidateNames) {
      if (DomainNames.isAtOrBelow(n, domain)) {
        names.add(TxtRecordSet.normalize(n));
      }
    }
    SimpleResolver resolver = resolver(false);
    Map<String, TxtRecordSet> found = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(names);
    // A window of parallel queries: fast for a thousand hosts, gentle on the server.
    for (int start = 0; start < all.size(); start += QUERY_WINDOW) {
      List<String> window = all.subList(start, Math.min(all.size(), start + QUERY_WINDOW));
      List<CompletableFuture<Message>> answers = new ArrayList<>();
      for (String name : window) {
        Message query = Message.newQuery(Record.newRecord(dnsName(name), Type.TXT, DClass.IN));
        answers.add(resolver.sendAsync(query).toCompletableFuture());
      }
      for (int i = 0; i < window.size(); i++) {
        Message response = await(answers.get(i), "query TXT " + window.get(i));
        txtOf(window.get(i), response).ifPresent(set -> found.put(set.name(), set));
      }
    }
    return found;
  }

  /**
   * The server as endpoints ask it: {@link DnsjavaSource} TXT queries, over TCP, with this target's
   * timeout.
   */
  @Override
  public DnsSource readBack(String domain, Collection<String> candidateNames) {
    return DnsjavaSource.of(server, new DnsjavaSource.Options(timeout, true));
  }

  @Override
  public void upsert(List<TxtRecordSet> sets) {
    if (sets.isEmpty()) {
      return;
    }
    Name z = zone(sets.get(0).name());
    List<Update> batches = new ArrayList<>();
    Update update = null;
    int bytes = 0;
    for (TxtRecordSet set : sets) {
      int size = estimate(set);
      if (update == null || bytes + size > MAX_UPDATE_BYTES) {
        update = new Update(z);
        batches.add(update);
        bytes = 0;
      }
      Name name = dnsName(set.name());
      // Delete-RRset then add: replaces the whole RRset, strings that went away included.
      update.delete(name, Type.TXT);
      for (String s : set.strings()) {
        update.add(txt(name, set.ttl(), s));
      }
      bytes += size;
    }
    send(batches, sets.size() + " RRset(s)");
  }

  @Override
  public void delete(List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    Name z = zone(names.get(0));
    List<Update> batches = new ArrayList<>();
    Update update = null;
    int bytes = 0;
    for (String n : names) {
      if (update == null || bytes > MAX_UPDATE_BYTES) {
        update = new Update(z);
        batches.add(update);
        bytes = 0;
      }
      update.delete(dnsName(n), Type.TXT);
      bytes += n.length() + 12;
    }
    send(batches, "deletion of " + names.size() + " RRset(s)");
  }

  /**
   * Queries each key's name for its type (A, AAAA or PTR) at the same server: the forward names are
   * in the mesh domain's zone, the PTRs in the reverse zone, which the server must also serve.
   */
  @Override
  public Map<String, NameRecordSet> readNames(NameZone zone, Collection<String> keys) {
    SimpleResolver resolver = resolver(false);
    Map<String, NameRecordSet> found = new TreeMap<>();
    List<String> all = new ArrayList<>(keys);
    for (int start = 0; start < all.size(); start += QUERY_WINDOW) {
      List<String> window = all.subList(start, Math.min(all.size(), start + QUERY_WINDOW));
      List<CompletableFuture<Message>> answers = new ArrayList<>();
      for (String key : window) {
        String[] k = key.split(" ");
        Message query =
            Message.newQuery(Record.newRecord(dnsName(k[0]), Type.value(k[1]), DClass.IN));
        answers.add(resolver.sendAsync(query).toCompletableFuture());
      }
      for (int i = 0; i < window.size(); i++) {
        String[] k = window.get(i).split(" ");
        Message response = await(answers.get(i), "query " + k[1] + " " + k[0]);
        namesOf(k[0], NameRecordSet.Type.valueOf(k[1]), response)
            .ifPresent(set -> found.put(set.key(), set));
      }
    }
    return found;
  }

  @Override
  public void writeNames(NameZone zone, List<NameRecordSet> upserts, List<NameRecordSet> deletes) {
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return;
    }
    Name z =
        zone.reverse()
            ? dnsName(zone.name())
            : zone(upserts.isEmpty() ? deletes.get(0).name() : upserts.get(0).name());
    // Name records are few (a few per host): one message per zone, applied all or nothing.
    Update update = new Update(z);
    for (NameRecordSet d : deletes) {
      update.delete(dnsName(d.name()), Type.value(d.type().name()));
    }
    for (NameRecordSet u : upserts) {
      Name name = dnsName(u.name());
      int type = Type.value(u.type().name());
      update.delete(name, type);
      for (String v : u.values()) {
        try {
          update.add(
              Record.fromString(
                  name,
                  type,
                  DClass.IN,
                  u.ttl(),
                  u.type() == NameRecordSet.Type.PTR ? v + "." : v,
                  Name.root));
        } catch (IOException e) {
          throw new PublishException(u.key(), "not a valid record: " + v + ": " + e.getMessage());
        }
      }
    }
    send(
        List.of(update),
        "name records of "
            + zone
            + " ("
            + upserts.size()
            + " written, "
            + deletes.size()
            + " deleted)");
  }

  private Optional<NameRecordSet> namesOf(String name, NameRecordSet.Type type, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return Optional.empty();
    }
    if (rcode != Rcode.NOERROR) {
      throw new PublishException(
          describe(),
          "query " + type + " " + name + ": the server answered " + Rcode.string(rcode),
          "the server must serve the zone (for PTRs: the reverse zone) to this machine");
    }
    List<String> values = new ArrayList<>();
    long ttl = -1;
    Name qname = dnsName(name);
    int t = Type.value(type.name());
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r.getType() == t && r.getName().equals(qname)) {
        ttl = r.getTTL();
        values.add(nameValue(r));
      }
    }
    return ttl < 0
        ? Optional.empty()
        : Optional.of(new NameRecordSet(name, type, (int) ttl, values));
  }

  /** A record's data as {@link NameRecordSet} holds it: canonical address, target name. */
  private static String nameValue(Record r) {
    if (r instanceof ARecord a) {
      return IpAddress.parse(a.getAddress().getHostAddress(), "A").toString();
    }
    if (r instanceof AAAARecord a) {
      return IpAddress.parse(a.getAddress().getHostAddress(), "AAAA").toString();
    }
    if (r instanceof PTRRecord p) {
      return p.getTarget().toString(true);
    }
    return r.rdataToString();
  }

  private void send(List<Update> batches, String what) {
    SimpleResolver resolver = resolver(true);
    for (int i = 0; i < batches.size(); i++) {
      String step =
          batches.size() == 1 ? what : what + ", batch " + (i + 1) + " of " + batches.size();
      Message response;
      try {
        response = resolver.send(batches.get(i));
      } catch (IOException e) {
        throw unreachable(step, e, i);
      }
      checkUpdateResponse(response, step, i);
    }
  }

  private void checkUpdateResponse(Message response, String step, int batchesDone) {
    int rcode = response.getRcode();
    TSIGRecord answerTsig = response.getTSIG();
    int tsigError = answerTsig == null ? Rcode.NOERROR : answerTsig.getError();
    String progress =
        batchesDone == 0 ? "" : " (" + batchesDone + " earlier batch(es) were written)";
    if (rcode == Rcode.NOERROR && tsigError == Rcode.NOERROR) {
      if (tsig.isPresent() && !response.isVerified()) {
        throw new PublishException(
            describe(),
            step + ": the server's answer carries no valid TSIG signature" + progress,
            "the change may or may not be applied; check that key '"
                + keyName()
                + "' is the server's");
      }
      return;
    }
    if (tsigError != Rcode.NOERROR) {
      String err = Rcode.TSIGstring(tsigError);
      String hint =
          switch (err) {
            case "BADSIG" ->
                "the secret does not match the server's key '"
                    + keyName()
                    + "'; check the secret file or WGMESH_TSIG_SECRET";
            case "BADKEY" ->
                "the server has no key '"
                    + keyName()
                    + "' with this algorithm; check tsig= and algorithm=";
            case "BADTIME" ->
                "the clocks of this machine and the server differ by more than 5 minutes; fix time sync";
            default -> "check the TSIG key configuration on both sides";
          };
      throw new PublishException(
          describe(),
          step
              + ": TSIG key '"
              + keyName()
              + "' refused ("
              + Rcode.string(rcode)
              + ", "
              + err
              + "); nothing of this batch was written"
              + progress,
          hint);
    }
    String hint =
        switch (rcode) {
          case Rcode.REFUSED -> "the server does not allow this update; " + allowUpdates();
          case Rcode.NOTAUTH ->
              "the server is not the primary for zone "
                  + zone
                  + ", or does not allow this update (Knot answers NOTAUTH to both): point the URI"
                  + " at the primary or set zone=, and "
                  + allowUpdates();
          case Rcode.NOTZONE ->
              "a name is outside zone "
                  + zone
                  + "; set zone= to the zone that holds the mesh domain";
          case Rcode.SERVFAIL -> "see the DNS server's log";
          default -> null;
        };
    throw new PublishException(
        describe(),
        step
            + ": the server answered "
            + Rcode.string(rcode)
            + "; nothing of this batch was written"
            + progress,
        hint);
  }

  private Name zone(String anyName) {
    if (zone != null) {
      return zone;
    }
    if (configuredZone.isPresent()) {
      zone = dnsName(configuredZone.get());
      return zone;
    }
    // No zone= given: ask the server which zone holds the name (the SOA in answer or authority).
    Message response =
        await(
            resolver(false)
                .sendAsync(
                    Message.newQuery(Record.newRecord(dnsName(anyName), Type.SOA, DClass.IN)))
                .toCompletableFuture(),
            "query SOA " + anyName);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : response.getSection(section)) {
        if (r instanceof SOARecord) {
          zone = r.getName();
          return zone;
        }
      }
    }
    throw new PublishException(
        describe(),
        "the server gave no SOA for " + anyName + " (" + Rcode.string(response.getRcode()) + ")",
        "add zone=ZONE to the URI");
  }

  private Optional<TxtRecordSet> txtOf(String name, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return Optional.empty();
    }
    if (rcode != Rcode.NOERROR) {
      throw new PublishException(
          describe(),
          "query TXT " + name + ": the server answered " + Rcode.string(rcode),
          rcode == Rcode.REFUSED
              ? "the server must answer queries for the zone from this machine"
              : null);
    }
    List<String> strings = new ArrayList<>();
    long ttl = -1;
    Name qname = dnsName(name);
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t && r.getName().equals(qname)) {
        ttl = r.getTTL();
        for (byte[] b : t.getStringsAsByteArrays()) {
          strings.add(new String(b, StandardCharsets.UTF_8));
        }
      }
    }
    return ttl < 0 ? Optional.empty() : Optional.of(new TxtRecordSet(name, (int) ttl, strings));
  }

  private Message await(CompletableFuture<Message> future, String step) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException(describe(), step + ": interrupted");
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw unreachable(step, cause, 0);
    }
  }

  private PublishException unreachable(String step, Throwable e, int batchesDone) {
    String progress = batchesDone == 0 ? "" : " after " + batchesDone + " batch(es) were written";
    return new PublishException(
        describe(),
        step
            + ": no answer from "
            + server
            + progress
            + " ("
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage())
            + ")",
        "is the DNS server running and listening on that address and port (TCP and UDP)?",
        e);
  }

  private SimpleResolver resolver(boolean signed) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(timeout);
    if (signed) {
      r.setTCP(true); // updates can be large
      tsig.ifPresent(t -> r.setTSIGKey(t.key()));
    }
    return r;
  }

  private static int estimate(TxtRecordSet set) {
    int nameBytes = set.name().length() + 2;
    return nameBytes + 11 + set.strings().size() * (nameBytes + 11) + set.dataBytes();
  }

  private static TXTRecord txt(Name name, int ttl, String s) {
    // TXTRecord(String) parses presentation form, so hand it the escaped string without quotes.
    String escaped = QuotedStrings.quote(s, QuotedStrings.ZONE_FILE);
    return new TXTRecord(name, DClass.IN, ttl, escaped.substring(1, escaped.length() - 1));
  }

  static Name dnsName(String name) {
    try {
      return Name.fromString(TxtRecordSet.normalize(name) + ".");
    } catch (TextParseException e) {
      throw new PublishException(name, "not a valid DNS name: " + e.getMessage());
    }
  }
}
