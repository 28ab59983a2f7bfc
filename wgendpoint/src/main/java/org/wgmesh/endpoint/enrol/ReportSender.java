package org.wgmesh.endpoint.enrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * Sends a health report ({@code wgdeploy --check --report}) to the service the endpoint file names
 * ({@code report-url}, {@code report-ca}; {@code wghost --enrol} records them), authenticated by
 * the device certificate ({@code report-cert}/{@code report-key}) or the report credential the
 * admission answered ({@code report-credential}, a 0600 file). Quick by design: it runs from the
 * deploy timer and must never hold it up.
 */
public final class ReportSender {
  /** To connect; a site controller on the mesh's network answers well within it. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** For the whole exchange after connecting. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Function<SSLContext, EnrolClient> clients;

  /** With the timeouts above. */
  public ReportSender() {
    this(tls -> new EnrolClient(tls, CONNECT_TIMEOUT, TIMEOUT));
  }

  /** For tests: another client (shorter timeouts). */
  public ReportSender(Function<SSLContext, EnrolClient> clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /**
   * Sends {@code body} and returns the hostname the site stored it for.
   *
   * @throws ConfigException when the endpoint file names no service to report to, or no CA or
   *     credential for it
   * @throws org.wgmesh.core.error.WgmeshException from the exchange, see {@link EnrolClient#report}
   */
  public String send(EndpointConfig config, String body) {
    Channel c = channel(config);
    return clients.apply(c.tls).report(c.service, body, c.bearer);
  }

  /**
   * Waits for the site's next publication after serial {@code after} on the same channel as the
   * reports ({@link EnrolClient#nudge}); this sender's client timeout must outlast the service's
   * wait ({@link #FOLLOW_TIMEOUT}).
   *
   * @throws ConfigException as {@link #send}
   */
  public long nudge(EndpointConfig config, long after) {
    Channel c = channel(config);
    return clients.apply(c.tls).nudge(c.service, after, c.bearer);
  }

  /** A sender for {@link #nudge}: the service answers within 25 s, this waits up to 30 s. */
  public static ReportSender forFollowing() {
    return new ReportSender(tls -> new EnrolClient(tls, CONNECT_TIMEOUT, FOLLOW_TIMEOUT));
  }

  /**
   * How long a nudge request may take: above the service's longest wait (25 s), and no longer, for
   * a request whose connection died silently (a NAT that lost its mapping) is only noticed by this
   * timeout: the follower then hears of a publication at most this late.
   */
  public static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(30);

  /** Where reports and nudge requests go, and with what. */
  private record Channel(ServiceAddress service, SSLContext tls, Optional<String> bearer) {}

  private static Channel channel(EndpointConfig config) {
    String url =
        config
            .reportUrl()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "report-url",
                        "the endpoint file of "
                            + config.domain()
                            + " names no service to report to",
                        "enrol with wghost --enrol URL (it records report-url), or leave out"
                            + " --report"));
    ServiceAddress service = ServiceAddress.parse(url, "report-url");
    Path ca =
        config
            .reportCa()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "report-ca",
                        "report-url is set but not the CA of the service's certificate",
                        "set report-ca to the CA file given to wghost --enrol --ca"));
    Optional<DeviceIdentity> device =
        config.reportCert().map(c -> new DeviceIdentity(c, config.reportKey().orElseThrow()));
    Optional<String> bearer = config.reportCredential().map(ReportSender::readCredential);
    if (device.isEmpty() && bearer.isEmpty()) {
      throw new ConfigException(
          "report-url",
          "no report-cert/report-key and no report-credential to report with",
          "enrol again with wghost --enrol (it records them)");
    }
    return new Channel(service, ClientTls.context(ca, device), bearer);
  }

  /** Saves a report credential for {@code report-credential}: 0600, atomically. */
  public static void saveCredential(Path file, String credential) {
    AtomicFiles.write(file, credential + "\n", AtomicFiles.SECRET);
  }

  private static String readCredential(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (text.isEmpty() || text.length() > 200) {
        throw new ConfigException(
            "report-credential " + file,
            "does not hold a report credential",
            "enrol again with wghost --enrol --token-file (the admission answers a new one)");
      }
      return text;
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read the report credential: " + e, null, e);
    }
  }
}
