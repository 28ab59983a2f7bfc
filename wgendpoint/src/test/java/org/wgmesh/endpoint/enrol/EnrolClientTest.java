package org.wgmesh.endpoint.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.DnsException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.testing.TestPki;
import org.wgmesh.site.service.PemKeys;

/**
 * The client against a TLS server on 127.0.0.1 that answers what wgsite's service never would: a
 * body trickled forever, a malformed body. (The real service is in {@code WghostEnrolTest}.)
 */
class EnrolClientTest {
  @TempDir Path dir;
  TestPki pki;
  SSLServerSocket listener;
  Thread serving;

  @BeforeEach
  void pki() throws Exception {
    pki = TestPki.service(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (listener != null) {
      listener.close();
    }
    if (serving != null) {
      serving.interrupt();
      serving.join(5000);
    }
  }

  /** Serves one connection: reads the request head and body, then answers with {@code answer}. */
  ServiceAddress serve(Consumer<OutputStream> answer) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(
        PemKeys.serverKeyStore(pki.cert("server"), pki.key("server")), "in-memory".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    listener =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    serving =
        new Thread(
            () -> {
              try (SSLSocket s = (SSLSocket) listener.accept()) {
                InputStream in = s.getInputStream();
                String head = "";
                while (!head.endsWith("\r\n\r\n")) {
                  head += (char) in.read();
                }
                int length =
                    Integer.parseInt(
                        head.lines()
                            .filter(l -> l.toLowerCase().startsWith("content-length:"))
                            .findFirst()
                            .orElseThrow()
                            .substring(15)
                            .strip());
                in.readNBytes(length);
                answer.accept(s.getOutputStream());
              } catch (Exception e) {
                // the test closed the listener, or the client went away: done
              }
            });
    serving.start();
    return ServiceAddress.parse("https://127.0.0.1:" + listener.getLocalPort());
  }

  EnrolClient client() {
    return new EnrolClient(
        ClientTls.context(pki.cert("ca"), Optional.empty()),
        Duration.ofSeconds(5),
        Duration.ofSeconds(2));
  }

  static void write(OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aBodyTrickledForever_endsAtTheDeadline() throws Exception {
    ServiceAddress service =
        serve(
            out -> {
              write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
              write(out, "Content-Length: 1000\r\n\r\n{");
              try {
                while (true) {
                  Thread.sleep(200);
                  write(out, " ");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    long start = System.nanoTime();
    assertThatThrownBy(() -> client().enrol(service, "blob", Optional.empty()))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("did not answer in time");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMalformedAnswer_isARecordError() throws Exception {
    String body = "<html>hello</html>";
    ServiceAddress service =
        serve(
            out ->
                write(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Length: "
                        + body.length()
                        + "\r\nConnection: close\r\n\r\n"
                        + body));
    assertThatThrownBy(() -> client().enrol(service, "blob", Optional.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("answer is malformed");
  }

  @Test
  void anEndlessBody_isCutAtTheLimit() throws Exception {
    ServiceAddress service =
        serve(
            out -> {
              write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              String chunk = "x".repeat(4096);
              for (int i = 0; i < 10_000; i++) {
                write(out, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
              }
            });
    assertThatThrownBy(() -> client().enrol(service, "blob", Optional.empty()))
        .isInstanceOf(RecordException.class)
        .hasMessageContaining("larger than 16384 bytes");
  }
}
