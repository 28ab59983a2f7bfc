package org.wgmesh.site.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.Confirmation;
import org.wgmesh.site.clients.ClientAdmin;
import org.wgmesh.site.clients.ClientConfig;
import org.wgmesh.site.clients.QrCodes;

/**
 * {@code wgsite --add-client}, {@code --client-config} and {@code --remove-client} (issue 25): the
 * option values checked and turned into one {@link ClientAdmin} call, the config and QR code
 * printed. Where the config goes to stdout, everything else (summary, QR) goes to stderr, so {@code
 * wgsite ... > client.conf} captures the config alone.
 */
final class ClientCommands {
  /** The client options of one command line. */
  record Options(
      List<String> attach,
      Optional<String> key,
      boolean generateKey,
      List<String> addresses,
      boolean qr,
      Optional<Path> qrPng,
      Optional<Path> privateKeyFile,
      boolean dryRun) {}

  private final Io io;
  private final Reporter reporter;
  private final Confirmation confirmation;

  ClientCommands(Io io, Reporter reporter, Confirmation confirmation) {
    this.io = io;
    this.reporter = reporter;
    this.confirmation = confirmation;
  }

  /** {@code --add-client NAME}: with {@code --key}, or {@code --generate-key} (config printed). */
  void add(Path file, String name, Options o) {
    if (o.key().isPresent() == o.generateKey()) {
      throw usage("--add-client needs either --key PUBKEY or --generate-key");
    }
    if (o.attach().isEmpty()) {
      throw usage("--add-client needs --attach HOST[,HOST...] (the primary first)");
    }
    if ((o.qr() || o.qrPng().isPresent()) && !o.generateKey()) {
      throw usage(
          "--qr and --qr-png go with --generate-key or --client-config (a config needs the private key)");
    }
    // The PNG is written after the site file (a dry run writes none): a path that cannot be
    // written is refused first, so that the command fails before it admits the client.
    o.qrPng().ifPresent(AtomicFiles::checkWritable);
    Optional<X25519PrivateKey> generated =
        o.generateKey() ? Optional.of(X25519PrivateKey.generate()) : Optional.empty();
    X25519PublicKey key =
        generated
            .map(X25519PrivateKey::publicKey)
            .orElseGet(() -> X25519PublicKey.parse(o.key().orElseThrow(), "--key"));
    List<IpAddress> addresses = new ArrayList<>();
    o.addresses().forEach(a -> addresses.add(IpAddress.parse(a, "--address")));
    // The config and its QR code are made before the site file is written, so a config too long
    // for a QR code refuses the client instead of adding one whose config was not shown.
    Rendered[] rendered = new Rendered[1];
    ClientAdmin.Added added =
        new ClientAdmin(reporter, confirmation)
            .add(
                file,
                new ClientAdmin.AddRequest(name, o.attach(), key, addresses),
                o.dryRun(),
                a -> {
                  if (generated.isPresent()) {
                    rendered[0] =
                        render(ClientConfig.render(a.site(), a.client().name(), generated), o);
                  }
                });
    List<String> summary =
        ClientAdmin.summary(
            added.client(), added.site().clients().named(added.client().name()).orElseThrow());
    if (generated.isEmpty()) {
      summary.forEach(io.out()::println);
      io.out().flush();
      return;
    }
    summary.forEach(io.err()::println);
    io.err().flush();
    if (!added.written()) {
      return; // a dry run: no client, so no config (the key made is dropped)
    }
    reporter.warn(
        "the config below holds the client's private key: it is printed this once and never"
            + " stored; keep it safe");
    emit(rendered[0], o);
  }

  /**
   * {@code --client-config NAME}: the config, with the private key from a file or a placeholder.
   */
  void config(Path file, String name, Options o) {
    o.qrPng().ifPresent(AtomicFiles::checkWritable);
    Site site = SiteFile.load(file);
    Optional<X25519PrivateKey> key =
        o.privateKeyFile()
            .map(f -> X25519PrivateKey.parse(KeyFiles.readSecret(f), "--private-key-file " + f));
    String config = ClientConfig.render(site, name.toLowerCase(Locale.ROOT), key);
    if (key.isEmpty()) {
      reporter.warn(
          "the PrivateKey line is a placeholder: put the client's private key there (wgsite does"
              + " not keep it), or give --private-key-file");
    }
    emit(render(config, o), o);
  }

  /** {@code --remove-client NAME}. */
  void remove(Path file, String name) {
    new ClientAdmin(reporter, confirmation).remove(file, name);
  }

  /** A config and the QR codes asked for. */
  private record Rendered(String config, Optional<String> terminal, Optional<byte[]> png) {}

  private static Rendered render(String config, Options o) {
    return new Rendered(
        config,
        o.qr() ? Optional.of(QrCodes.terminal(config)) : Optional.empty(),
        o.qrPng().isPresent() ? Optional.of(QrCodes.png(config)) : Optional.empty());
  }

  /** The config on stdout, its QR code on stderr and/or in a PNG (0600: it may hold the key). */
  private void emit(Rendered r, Options o) {
    io.out().print(r.config());
    io.out().flush();
    r.terminal()
        .ifPresent(
            t -> {
              io.err().print(t);
              io.err().flush();
            });
    r.png().ifPresent(png -> AtomicFiles.write(o.qrPng().orElseThrow(), png, AtomicFiles.SECRET));
  }

  private static UsageException usage(String why) {
    return new UsageException("wgsite", why, "see 'wgsite --help' and docs/clients.md");
  }
}
