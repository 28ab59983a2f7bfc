package org.wgmesh.site.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.CommonOptions;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.cli.VersionProvider;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.site.publish.DiffFormat;
import org.wgmesh.site.publish.PublishVerification;
import org.wgmesh.site.publish.SitePublication;
import org.wgmesh.site.publish.VerifyFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wgpub}: publish the mesh of a site file to DNS. Prints the record difference on stdout,
 * then writes it (unless {@code --dry-run}). With {@code --verify} it only reads the target back
 * and verifies every record as endpoints do. Thin: options become two {@link SitePublication}
 * calls, or one {@link PublishVerification} call.
 */
@Command(
    name = "wgpub",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = false,
    description = {
      "Publish the mesh of a site file as DNS TXT records: writes only what changed or is close to expiry.",
      "",
      "Targets (site file 'publish:', or --publish): zonefile:PATH,",
      "rfc2136://HOST:PORT?zone=ZONE&tsig=KEY&secret-file=PATH, route53:ZONE_ID (see docs/publishing.md).",
      "",
      "--verify reads the target back as endpoints read it and verifies every record; writes nothing.",
      ""
    },
    exitCodeListHeading = "%nExit codes (see docs/exit-codes.md):%n",
    exitCodeList = {
      "0:success (also when nothing needed writing)",
      "2:bad command line",
      "3:invalid site file, state file or target URI",
      "5:--verify: a published record is missing, tampered, stale or expired",
      "6:--verify: the target cannot be read",
      "7:publishing failed half-way; run wgpub again to complete it",
      "11:file error"
    })
public final class WgpubCommand implements Callable<Integer> {
  private final Io io;
  private final SitePublicationFactory services;

  /** Makes the service for a reporter: tests swap publishers and the clock. */
  @FunctionalInterface
  public interface SitePublicationFactory {
    SitePublication create(Reporter reporter);
  }

  @Mixin CommonOptions common = new CommonOptions();

  @Parameters(index = "0", paramLabel = "FILE", description = "The site file, e.g. wgmesh.yaml.")
  Path file;

  @Option(
      names = "--publish",
      paramLabel = "URI",
      description = "Publish to this target instead of the site file's 'publish:'.")
  String publish;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Read the target and print the difference; write nothing.")
  boolean dryRun;

  @Option(
      names = "--json",
      description = "Print the difference (with --verify: the result) as JSON.")
  boolean json;

  @Option(
      names = "--verify",
      description = "Read the target back as endpoints do and verify every record; write nothing.")
  boolean verify;

  @Option(
      names = "--metrics-file",
      paramLabel = "PATH",
      description =
          "With --verify: also write the result as Prometheus metrics to PATH (for node_exporter's textfile collector).")
  Path metricsFile;

  private final VerificationFactory verifications;

  /** Makes the verification service for a reporter: tests swap publishers and the clock. */
  @FunctionalInterface
  public interface VerificationFactory {
    PublishVerification create(Reporter reporter);
  }

  public WgpubCommand(Io io) {
    this(io, SitePublication::new, PublishVerification::new);
  }

  public WgpubCommand(Io io, SitePublicationFactory services) {
    this(io, services, PublishVerification::new);
  }

  public WgpubCommand(Io io, SitePublicationFactory services, VerificationFactory verifications) {
    this.io = io;
    this.services = services;
    this.verifications = verifications;
  }

  public static void main(String[] args) {
    Cli.main(WgpubCommand::new, args);
  }

  @Override
  public Integer call() {
    if (verify) {
      return verify();
    }
    if (metricsFile != null) {
      throw new UsageException("--metrics-file", "is only written by --verify", "add --verify");
    }
    SitePublication publication = services.create(common.reporter(io));
    try (SitePublication.Prepared prepared =
        publication.prepare(file, Optional.ofNullable(publish), dryRun)) {
      io.out()
          .print(
              json
                  ? DiffFormat.json(prepared.diff(), prepared.names(), prepared.target(), dryRun)
                  : DiffFormat.text(prepared.diff(), prepared.names(), prepared.target()));
      io.out().flush();
      publication.apply(prepared);
    }
    return ExitCode.OK.code();
  }

  private int verify() {
    if (dryRun) {
      throw new UsageException(
          "--verify and --dry-run",
          "cannot be used together: --verify never writes",
          "drop --dry-run");
    }
    PublishVerification.Verified v =
        verifications
            .create(common.reporter(io))
            .verify(file, Optional.ofNullable(publish), Optional.ofNullable(metricsFile));
    io.out().print(json ? VerifyFormat.json(v) : VerifyFormat.text(v));
    io.out().flush();
    if (!v.report().ok()) {
      throw v.failure();
    }
    return ExitCode.OK.code();
  }
}
