package org.wgmesh.core.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.net.IpAddress;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads TXT RRsets from DNS servers with dnsjava. Queries go over UDP with EDNS (a 1232-byte
 * buffer, the DNS flag day 2020 value) and are retried over TCP when the answer comes back
 * truncated; {@link Options#tcpOnly()} skips UDP altogether. CNAMEs are followed, inside one answer
 * and across queries, up to {@value #MAX_CNAME_CHAIN} links; a loop is an error. The returned RRset
 * carries the name that was asked for, whatever CNAMEs led to the data, so a verifier that binds a
 * record to its name sees the name it expects.
 *
 * <p>Each TXT record becomes one string: its character-strings concatenated as dnsjava's {@link
 * TXTRecord#getStrings()} gives them (presentation form: printable ASCII as is, {@code "} and
 * {@code \} escaped, other bytes as {@code \DDD}). wgmesh records are plain base64 text with an
 * index prefix, one character-string per record, so for them this is the published text.
 *
 * <p>Only the servers given are asked ({@link #of}); {@link #system(Options)} uses the system's
 * {@code /etc/resolv.conf} servers and is meant for production use without {@code --resolver}.
 *
 * <p>Thread-safe: every lookup builds its own query.
 */
public final class DnsjavaSource implements DnsSource {
  /** How long one query waits for an answer unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The most CNAME links followed from the name asked for. */
  public static final int MAX_CNAME_CHAIN = 8;

  /**
   * The EDNS UDP payload size we advertise (avoids IP fragmentation; larger answers go over TCP).
   */
  static final int EDNS_PAYLOAD = 1232;

  /**
   * How to query.
   *
   * @param timeout how long one query (to one server) may take
   * @param tcpOnly query over TCP only, never UDP
   */
  public record Options(Duration timeout, boolean tcpOnly) {
    public Options {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
    }

    /** UDP with TCP fallback, {@link #DEFAULT_TIMEOUT}. */
    public static Options defaults() {
      return new Options(DEFAULT_TIMEOUT, false);
    }
  }

  private final List<InetSocketAddress> servers;
  private final Options options;

  private DnsjavaSource(List<InetSocketAddress> servers, Options options) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no DNS server");
    }
    this.servers = List.copyOf(servers);
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A source asking only {@code server}, with default options. */
  public static DnsjavaSource of(InetSocketAddress server) {
    return new DnsjavaSource(List.of(server), Options.defaults());
  }

  /** A source asking only {@code server}. */
  public static DnsjavaSource of(InetSocketAddress server, Options options) {
    return new DnsjavaSource(List.of(server), options);
  }

  /**
   * A source asking the system's name servers ({@code /etc/resolv.conf}), in order, the next one
   * when one does not answer. Only for production use when no resolver was given.
   *
   * @throws DnsException when the system has no name server configured
   */
  public static DnsjavaSource system(Options options) {
    ResolverConfig.refresh();
    List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
    if (servers.isEmpty()) {
      throw new DnsException(
          "system resolver",
          "no name server in /etc/resolv.conf",
          "give one with --resolver IP:PORT");
    }
    return new DnsjavaSource(servers, options);
  }

  /**
   * Parses a resolver address: {@code IP}, {@code IP:PORT}, {@code [IPv6]:PORT} or a bare IPv6
   * address (port 53 when none is given). Host names are refused: a resolver named by a name would
   * need a resolver.
   *
   * @throws org.wgmesh.core.error.InputException (a bad option value) naming the accepted forms
   */
  public static InetSocketAddress parseResolver(String text) {
    String t = text == null ? "" : text.strip();
    String host = t;
    int port = SimpleResolver.DEFAULT_PORT;
    try {
      if (t.startsWith("[")) {
        int close = t.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("missing ']'");
        }
        host = t.substring(1, close);
        String rest = t.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("expected ':PORT' after ']'");
          }
          port = parsePort(rest.substring(1));
        }
      } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
        host = t.substring(0, t.indexOf(':'));
        port = parsePort(t.substring(t.indexOf(':') + 1));
      }
      IpAddress address = IpAddress.parse(host, "resolver");
      return new InetSocketAddress(address.address(), port);
    } catch (IllegalArgumentException | InputException e) {
      // a bad option value: INPUT, as docs/exit-codes.md says (issue 19)
      throw new InputException(
          "--resolver '" + text + "'",
          "not a resolver address ("
              + (e instanceof InputException i ? i.why() : e.getMessage())
              + ")",
          "use IP, IP:PORT or [IPv6]:PORT, e.g. 127.0.0.1:53 or [2001:db8::53]:53");
    }
  }

  private static int parsePort(String s) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + s + "' is not a number");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range 1..65535");
    }
    return p;
  }

  /** The servers this source asks, in order. */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /**
   * {@inheritDoc}
   *
   * @throws DnsException on timeout, SERVFAIL, REFUSED, a CNAME loop or a chain longer than {@value
   *     #MAX_CNAME_CHAIN}; the message names the name and the server
   * @throws RecordException when a TXT record there is not one wgmesh could have written (a record
   *     over 255 bytes)
   */
  @Override
  public Optional<TxtRecordSet> lookup(String name) {
    Name asked = absolute(name);
    Name current = asked;
    Set<Name> visited = new LinkedHashSet<>();
    visited.add(current);
    for (int query = 0; query <= MAX_CNAME_CHAIN; query++) {
      Answer reply = query(current, name);
      Message response = reply.message();
      int rcode = response.getRcode();
      if (rcode == Rcode.NXDOMAIN) {
        return Optional.empty();
      }
      if (rcode != Rcode.NOERROR) {
        throw new DnsException(
            "TXT " + TxtRecordSet.normalize(name) + " from DNS server " + hostPort(reply.server()),
            "the server answered " + Rcode.string(rcode),
            rcode == Rcode.REFUSED
                ? "the server does not serve this name to us: give a resolver that does with --resolver IP:PORT"
                : "the server could not resolve it; check the zone on the DNS server and retry");
      }
      List<Record> answer = response.getSection(Section.ANSWER);
      // Follow the chain as far as this answer goes.
      while (true) {
        List<String> strings = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        Name target = null;
        for (Record r : answer) {
          if (!r.getName().equals(current) || r.getDClass() != DClass.IN) {
            continue;
          }
          if (r instanceof TXTRecord txt) {
            strings.add(String.join("", txt.getStrings()));
            ttl = Math.min(ttl, r.getTTL());
          } else if (r instanceof CNAMERecord cname) {
            target = cname.getTarget();
          }
        }
        if (!strings.isEmpty()) {
          return Optional.of(toSet(name, asked, ttl, strings));
        }
        if (target == null) {
          break;
        }
        if (!visited.add(target)) {
          throw new DnsException(
              describe(name),
              "CNAME loop: " + chain(visited) + " -> " + target,
              "fix the CNAME records in the zone");
        }
        if (visited.size() > MAX_CNAME_CHAIN + 1) {
          throw tooLong(name, visited);
        }
        current = target;
      }
      if (!lastLinkUnanswered(answer, current)) {
        // NOERROR with no TXT at the end of the chain: NODATA.
        return Optional.empty();
      }
    }
    throw tooLong(name, visited);
  }

  /**
   * Whether the answer ended with a CNAME pointing at {@code current} but carried nothing for it:
   * the server (an authoritative one, typically) did not chase the target, so we ask for it.
   */
  private static boolean lastLinkUnanswered(List<Record> answer, Name current) {
    boolean pointedTo = false;
    for (Record r : answer) {
      if (r instanceof CNAMERecord c && c.getTarget().equals(current)) {
        pointedTo = true;
      }
      if (r.getName().equals(current)) {
        return false;
      }
    }
    return pointedTo;
  }

  private DnsException tooLong(String name, Set<Name> visited) {
    return new DnsException(
        describe(name),
        "CNAME chain longer than " + MAX_CNAME_CHAIN + " links: " + chain(visited),
        "shorten the CNAME chain in the zone");
  }

  private static String chain(Set<Name> visited) {
    return String.join(
        " -> ", visited.stream().map(n -> TxtRecordSet.normalize(n.toString())).toList());
  }

  private TxtRecordSet toSet(String name, Name asked, long ttl, List<String> strings) {
    int t = (int) Math.min(ttl, Integer.MAX_VALUE);
    try {
      return new TxtRecordSet(asked.toString(), t, strings);
    } catch (IllegalArgumentException e) {
      throw new RecordException(
          TxtRecordSet.normalize(name),
          "a TXT record there is longer than 255 bytes, which wgmesh never publishes",
          "the name holds records of something else: check the domain");
    }
  }

  /** A response and the server that gave it. */
  private record Answer(Message message, InetSocketAddress server) {}

  /** Asks each server in turn until one answers; the last failure is reported. */
  private Answer query(Name qname, String asked) {
    Message question = Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN));
    IOException last = null;
    InetSocketAddress lastServer = null;
    for (InetSocketAddress server : servers) {
      SimpleResolver resolver = new SimpleResolver(server);
      resolver.setTimeout(options.timeout());
      resolver.setTCP(options.tcpOnly());
      // A truncated UDP answer is retried over TCP by SimpleResolver (ignoreTruncation stays
      // false).
      resolver.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
      try {
        return new Answer(resolver.send(question), server);
      } catch (IOException e) {
        last = e;
        lastServer = server;
      }
    }
    throw failure(asked, qname, lastServer, last);
  }

  private DnsException failure(String asked, Name qname, InetSocketAddress server, IOException e) {
    String via = "DNS server " + hostPort(server);
    String why;
    if (isTimeout(e)) {
      why = "no answer within " + seconds(options.timeout()) + " (timeout) from " + via;
    } else if (e instanceof PortUnreachableException
        || String.valueOf(e.getMessage()).contains("Port unreachable")) {
      why = "nothing listens at " + via + " (port unreachable)";
    } else {
      why = "cannot query " + via + ": " + e.getMessage();
    }
    String what = "TXT " + TxtRecordSet.normalize(asked);
    if (!TxtRecordSet.normalize(qname.toString()).equals(TxtRecordSet.normalize(asked))) {
      what += " (via CNAME " + TxtRecordSet.normalize(qname.toString()) + ")";
    }
    return new DnsException(
        what,
        why,
        servers.size() > 1
            ? "none of the "
                + servers.size()
                + " system name servers answered; check the network, or give one with --resolver IP:PORT"
            : "check that the DNS server is running and reachable, or give another with --resolver IP:PORT",
        e);
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && m.toLowerCase(Locale.ROOT).contains("timed out")) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String hostPort(InetSocketAddress a) {
    if (a == null) {
      return "(none)";
    }
    String host =
        a.getAddress() == null ? a.getHostString() : new IpAddress(a.getAddress()).forEndpoint();
    return host + ":" + a.getPort();
  }

  private String describe(String name) {
    return "TXT "
        + TxtRecordSet.normalize(name)
        + " from DNS server "
        + hostPort(servers.get(0))
        + (servers.size() > 1 ? " (and " + (servers.size() - 1) + " more)" : "");
  }

  /** The absolute dnsjava name for {@code name} (a trailing dot is optional). */
  static Name absolute(String name) {
    String n = TxtRecordSet.normalize(Objects.requireNonNull(name, "name"));
    try {
      return Name.fromString(n + ".");
    } catch (TextParseException e) {
      throw new InputException(
          "DNS name '" + name + "'", "not a valid domain name: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "DNS " + String.join(",", servers.stream().map(DnsjavaSource::hostPort).toList());
  }
}
