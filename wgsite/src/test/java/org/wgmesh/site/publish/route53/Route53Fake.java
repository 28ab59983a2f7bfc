package org.wgmesh.site.publish.route53;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A local FAKE of the Route53 REST-XML API (no emulator can be installed here): one hosted zone in
 * memory, served by the JDK's HTTP server on 127.0.0.1. It answers ChangeResourceRecordSets (with
 * Route53's batch limits and its exact-match rule for DELETE, all or nothing),
 * ListResourceRecordSets (in Route53's order, paginated), and GetChange; it can answer with {@code
 * Throttling} a given number of times. Element names and error codes follow the Route53 API
 * reference (version 2013-04-01). It also answers STS's AssumeRole and AssumeRoleWithWebIdentity
 * (the SDK's per-service endpoint setting, e.g. {@code aws.endpointUrlSts}, points STS here), so
 * the credential paths that go through STS run end to end; and it can drop the connection of change
 * requests once some batches were accepted ({@link #closeChangesAfter}).
 */
public final class Route53Fake implements AutoCloseable {
  private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";

  /** One RRset as Route53 stores it: values in presentation form (TXT quoted). */
  public record RRset(String name, String type, long ttl, List<String> values) {}

  /** One accepted change batch: its actions and the limits it used. */
  public record Batch(int changes, int recordCount, int valueChars) {}

  public final String zoneId;
  public final Map<String, RRset> zone = Collections.synchronizedMap(new TreeMap<>());

  /**
   * More hosted zones (issue 25: reverse zones for PTRs), by id, each with its name for
   * ListHostedZonesByName ({@link #addZone}).
   */
  public final Map<String, Map<String, RRset>> moreZones =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, String> zoneNames = new java.util.concurrent.ConcurrentHashMap<>();
  public final List<Batch> batches = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger changeRequests = new AtomicInteger();
  public final AtomicInteger getChangeRequests = new AtomicInteger();
  public final AtomicInteger listRequests = new AtomicInteger();

  /** How many of the next ChangeResourceRecordSets requests to answer with Throttling. */
  public final AtomicInteger throttleNext = new AtomicInteger();

  /** How many ChangeResourceRecordSets requests to accept before {@link #throttleNext} applies. */
  public final AtomicInteger acceptBeforeThrottling = new AtomicInteger();

  /** How many GetChange answers say PENDING before INSYNC. */
  public final AtomicInteger pendingPolls = new AtomicInteger();

  volatile int pageSize = 300;

  /**
   * Once this many change batches were accepted, every further ChangeResourceRecordSets request has
   * its connection closed without an answer (an endpoint failing half-way); -1: never.
   */
  volatile int closeChangesAfter = -1;

  /** One STS request: its form parameters and its Authorization header (null when unsigned). */
  public record StsRequest(Map<String, String> form, String authorization) {}

  /** The STS requests answered (AssumeRole, AssumeRoleWithWebIdentity), in order. */
  public final List<StsRequest> stsRequests = Collections.synchronizedList(new ArrayList<>());

  /** The session credentials STS hands out: access key id, secret key, session token. */
  public static final String STS_KEY_ID = "ASIAFAKESESSION";

  public static final String STS_SECRET = "fake-session-secret";
  public static final String STS_SESSION_TOKEN = "fake-session-token";

  /** The X-Amz-Security-Token header of the last Route53 request (session credentials send it). */
  volatile String lastSecurityToken;

  /** The Authorization header of the last request (SigV4 names the access key id in it). */
  volatile String lastAuthorization;

  private final AtomicInteger changeIds = new AtomicInteger();
  private final HttpServer server;

  public Route53Fake(String zoneId) throws IOException {
    this.zoneId = zoneId;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds hosted zone {@code id} named {@code name} (no trailing dot); returns its records. */
  public Map<String, RRset> addZone(String id, String name) {
    Map<String, RRset> records = Collections.synchronizedMap(new TreeMap<>());
    moreZones.put(id, records);
    zoneNames.put(id, name + ".");
    return records;
  }

  /** Puts an RRset straight into the zone, as if made by someone else. */
  public void put(String name, String type, long ttl, String... values) {
    zone.put(key(name, type), new RRset(name, type, ttl, List.of(values)));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/") && ex.getRequestMethod().equals("POST")) {
        sts(ex);
        return;
      }
      lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
      lastSecurityToken = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
      String prefix = "/2013-04-01/hostedzone/";
      // ChangeResourceRecordSets posts to .../rrset/, ListResourceRecordSets gets .../rrset.
      String rrsetPath = path.replaceFirst("/$", "");
      String id =
          rrsetPath.startsWith(prefix) && rrsetPath.endsWith("/rrset")
              ? rrsetPath.substring(prefix.length(), rrsetPath.length() - "/rrset".length())
              : null;
      Map<String, RRset> records = id == null ? null : id.equals(zoneId) ? zone : moreZones.get(id);
      if (path.startsWith(prefix) && records == null) {
        error(ex, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + path);
      } else if (path.equals("/2013-04-01/hostedzonesbyname")) {
        zonesByName(ex);
      } else if (ex.getRequestMethod().equals("POST")) {
        change(ex, records);
      } else if (ex.getRequestMethod().equals("GET") && records != null) {
        list(ex, records);
      } else if (path.startsWith("/2013-04-01/change/")) {
        getChange(ex);
      } else {
        error(
            ex,
            400,
            "InvalidInput",
            "unsupported by the fake: " + ex.getRequestMethod() + " " + path);
      }
    } catch (ClosedByFake e) {
      throw e; // the JDK server closes the connection of a handler that throws
    } catch (Exception e) {
      error(ex, 500, "InternalFailure", String.valueOf(e));
    } finally {
      ex.close();
    }
  }

  /** ListHostedZonesByName: the zones named {@code dnsname} or after it, by name. */
  private void zonesByName(HttpExchange ex) throws IOException {
    String from = query(ex.getRequestURI()).getOrDefault("dnsname", "");
    StringBuilder b =
        new StringBuilder("<ListHostedZonesByNameResponse xmlns=\"" + NS + "\"><HostedZones>");
    zoneNames.entrySet().stream()
        .filter(e -> reversedLabels(e.getValue()).compareTo(reversedLabels(from)) >= 0)
        .sorted(Map.Entry.comparingByValue(Comparator.comparing(Route53Fake::reversedLabels)))
        .limit(1)
        .forEach(
            e ->
                b.append("<HostedZone><Id>/hostedzone/")
                    .append(e.getKey())
                    .append("</Id><Name>")
                    .append(xml(e.getValue()))
                    .append("</Name><CallerReference>fake</CallerReference>")
                    .append("<Config><PrivateZone>false</PrivateZone></Config>")
                    .append("<ResourceRecordSetCount>0</ResourceRecordSetCount></HostedZone>"));
    b.append("</HostedZones><DNSName>")
        .append(xml(from))
        .append("</DNSName><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems>")
        .append("</ListHostedZonesByNameResponse>");
    respond(ex, 200, b.toString());
  }

  private void change(HttpExchange ex, Map<String, RRset> zone) throws Exception {
    changeRequests.incrementAndGet();
    Document doc;
    try (InputStream in = ex.getRequestBody()) {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      doc = f.newDocumentBuilder().parse(in);
    }
    if (closeChangesAfter >= 0 && batches.size() >= closeChangesAfter) {
      throw new ClosedByFake();
    }
    if (acceptBeforeThrottling.getAndUpdate(n -> Math.max(0, n - 1)) == 0
        && throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      error(ex, 400, "Throttling", "Rate exceeded");
      return;
    }
    NodeList changes = doc.getElementsByTagNameNS("*", "Change");
    int records = 0;
    int chars = 0;
    List<String[]> actions = new ArrayList<>();
    List<RRset> sets = new ArrayList<>();
    for (int i = 0; i < changes.getLength(); i++) {
      Element c = (Element) changes.item(i);
      String action = text(c, "Action");
      Element rrs = (Element) c.getElementsByTagNameNS("*", "ResourceRecordSet").item(0);
      List<String> values = new ArrayList<>();
      NodeList v = rrs.getElementsByTagNameNS("*", "Value");
      for (int j = 0; j < v.getLength(); j++) {
        values.add(v.item(j).getTextContent());
      }
      int weight = action.equals("UPSERT") ? 2 : 1;
      records += values.size() * weight;
      chars += values.stream().mapToInt(String::length).sum() * weight;
      actions.add(new String[] {action});
      sets.add(
          new RRset(
              text(rrs, "Name"), text(rrs, "Type"), Long.parseLong(text(rrs, "TTL")), values));
    }
    if (records > 1000 || chars > 32_000) {
      error(
          ex,
          400,
          "InvalidChangeBatch",
          "Number of records limit of 1000 or characters limit of 32000 exceeded ("
              + records
              + ", "
              + chars
              + ")");
      return;
    }
    synchronized (zone) {
      Map<String, RRset> next = new TreeMap<>(zone);
      for (int i = 0; i < sets.size(); i++) {
        RRset s = sets.get(i);
        String k = key(s.name(), s.type());
        switch (actions.get(i)[0]) {
          case "UPSERT" -> next.put(k, s);
          case "CREATE" -> {
            if (next.putIfAbsent(k, s) != null) {
              error(
                  ex,
                  400,
                  "InvalidChangeBatch",
                  "Tried to create resource record set " + s.name() + " but it already exists");
              return;
            }
          }
          case "DELETE" -> {
            RRset old = next.get(k);
            if (old == null
                || old.ttl() != s.ttl()
                || !new java.util.HashSet<>(old.values())
                    .equals(new java.util.HashSet<>(s.values()))) {
              error(
                  ex,
                  400,
                  "InvalidChangeBatch",
                  "Tried to delete resource record set "
                      + s.name()
                      + " type "
                      + s.type()
                      + " but the values provided do not match the current values");
              return;
            }
            next.remove(k);
          }
          default -> {
            error(ex, 400, "InvalidInput", "bad action " + actions.get(i)[0]);
            return;
          }
        }
      }
      zone.clear();
      zone.putAll(next);
    }
    batches.add(new Batch(sets.size(), records, chars));
    String id = "C" + changeIds.incrementAndGet();
    respond(
        ex,
        200,
        "<ChangeResourceRecordSetsResponse xmlns=\""
            + NS
            + "\">"
            + changeInfo(id, "PENDING")
            + "</ChangeResourceRecordSetsResponse>");
  }

  /** Thrown by a handler to drop the connection without an answer. */
  private static final class ClosedByFake extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClosedByFake() {
      super("connection closed by the fake", null, false, false);
    }
  }

  /**
   * STS's query protocol (API version 2011-06-15): a form-encoded POST to {@code /}, answered with
   * XML. AssumeRole and AssumeRoleWithWebIdentity hand out {@link #STS_KEY_ID} for an hour.
   */
  private void sts(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = formFields(body);
    stsRequests.add(new StsRequest(form, ex.getRequestHeaders().getFirst("Authorization")));
    String action = form.getOrDefault("Action", "");
    if (!action.equals("AssumeRole") && !action.equals("AssumeRoleWithWebIdentity")) {
      stsError(ex, "InvalidAction", "unsupported by the fake: " + action);
      return;
    }
    String ns = "https://sts.amazonaws.com/doc/2011-06-15/";
    String expires = java.time.Instant.now().plusSeconds(3600).toString();
    respond(
        ex,
        200,
        "<"
            + action
            + "Response xmlns=\""
            + ns
            + "\"><"
            + action
            + "Result><Credentials><AccessKeyId>"
            + STS_KEY_ID
            + "</AccessKeyId><SecretAccessKey>"
            + STS_SECRET
            + "</SecretAccessKey><SessionToken>"
            + STS_SESSION_TOKEN
            + "</SessionToken><Expiration>"
            + expires
            + "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:"
            + xml(form.getOrDefault("RoleSessionName", "session"))
            + "</AssumedRoleId><Arn>"
            + xml(form.getOrDefault("RoleArn", ""))
            + "</Arn></AssumedRoleUser></"
            + action
            + "Result><ResponseMetadata><RequestId>fake-sts</RequestId></ResponseMetadata></"
            + action
            + "Response>");
  }

  private static void stsError(HttpExchange ex, String code, String message) throws IOException {
    respond(
        ex,
        400,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
            + "</Type><Code>"
            + code
            + "</Code><Message>"
            + xml(message)
            + "</Message></Error><RequestId>fake-sts</RequestId></ErrorResponse>");
  }

  private static Map<String, String> formFields(String body) {
    Map<String, String> form = new HashMap<>();
    for (String p : body.split("&")) {
      int eq = p.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private void list(HttpExchange ex, Map<String, RRset> zone) throws IOException {
    listRequests.incrementAndGet();
    Map<String, String> q = query(ex.getRequestURI());
    List<RRset> all;
    synchronized (zone) {
      all = new ArrayList<>(zone.values());
    }
    Comparator<RRset> order =
        Comparator.comparing((RRset r) -> reversedLabels(r.name())).thenComparing(RRset::type);
    all.sort(order);
    int from = 0;
    if (q.containsKey("name")) {
      RRset start = new RRset(q.get("name"), q.getOrDefault("type", ""), 0, List.of());
      while (from < all.size() && order.compare(all.get(from), start) < 0) {
        from++;
      }
    }
    int max = Math.min(pageSize, Integer.parseInt(q.getOrDefault("maxitems", "300")));
    List<RRset> page = all.subList(from, Math.min(all.size(), from + max));
    StringBuilder b =
        new StringBuilder(
            "<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
    for (RRset r : page) {
      b.append("<ResourceRecordSet><Name>")
          .append(xml(r.name()))
          .append("</Name><Type>")
          .append(r.type())
          .append("</Type><TTL>")
          .append(r.ttl())
          .append("</TTL><ResourceRecords>");
      for (String v : r.values()) {
        b.append("<ResourceRecord><Value>").append(xml(v)).append("</Value></ResourceRecord>");
      }
      b.append("</ResourceRecords></ResourceRecordSet>");
    }
    b.append("</ResourceRecordSets>");
    boolean truncated = from + max < all.size();
    b.append("<IsTruncated>")
        .append(truncated)
        .append("</IsTruncated><MaxItems>")
        .append(max)
        .append("</MaxItems>");
    if (truncated) {
      RRset next = all.get(from + max);
      b.append("<NextRecordName>")
          .append(xml(next.name()))
          .append("</NextRecordName><NextRecordType>")
          .append(next.type())
          .append("</NextRecordType>");
    }
    respond(ex, 200, b.append("</ListResourceRecordSetsResponse>").toString());
  }

  private void getChange(HttpExchange ex) throws IOException {
    getChangeRequests.incrementAndGet();
    String id = ex.getRequestURI().getPath().substring("/2013-04-01/change/".length());
    String status = pendingPolls.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? "PENDING" : "INSYNC";
    respond(
        ex,
        200,
        "<GetChangeResponse xmlns=\""
            + NS
            + "\">"
            + changeInfo(id, status)
            + "</GetChangeResponse>");
  }

  private static String changeInfo(String id, String status) {
    return "<ChangeInfo><Id>/change/"
        + id
        + "</Id><Status>"
        + status
        + "</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo>";
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    respond(
        ex,
        status,
        "<ErrorResponse xmlns=\""
            + NS
            + "\"><Error><Type>Sender</Type><Code>"
            + code
            + "</Code><Message>"
            + xml(message)
            + "</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>");
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/xml");
    ex.getResponseHeaders().set("x-amzn-RequestId", "fake-request");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static String text(Element e, String tag) {
    return e.getElementsByTagNameNS("*", tag).item(0).getTextContent();
  }

  private static String key(String name, String type) {
    return TxtRecordSetNames.absolute(name) + " " + type;
  }

  private static String reversedLabels(String name) {
    List<String> labels =
        new ArrayList<>(Arrays.asList(TxtRecordSetNames.absolute(name).split("\\.")));
    Collections.reverse(labels);
    return String.join("\u0000", labels);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String p : uri.getRawQuery().split("&")) {
        int eq = p.indexOf('=');
        q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Route53 keeps names lower case with a trailing dot. */
  private static final class TxtRecordSetNames {
    static String absolute(String name) {
      String n = name.toLowerCase(java.util.Locale.ROOT);
      return n.endsWith(".") ? n : n + ".";
    }
  }
}
