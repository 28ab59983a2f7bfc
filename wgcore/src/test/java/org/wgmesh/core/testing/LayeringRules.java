package org.wgmesh.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;
import java.util.List;

/**
 * The layering rules of {@code docs/architecture.md} ("Layering rules (checked by ArchUnit)") as
 * ArchUnit rules, for each module's {@code LayeringTest} to apply to its own main classes ({@link
 * #mainClasses}). Libraries stay at the edges: picocli in the commands, the AWS SDK in the Route53
 * adapter, dnsjava's updates and TSIG in the RFC 2136 adapter, FreeMarker in the renderer, Jetty in
 * the site's enrolment service, YAML in the file codecs; no publisher uses another; and no package,
 * nor (where a module asks) a class, depends, through others, on itself.
 *
 * <p>Where a rule allows places, each is an ArchUnit package pattern ({@code "..cli.."}, {@code
 * "org.wgmesh.core.yaml.."}) or, when its last part starts with a capital letter, the fully
 * qualified name of a class, which allows its nested classes too.
 */
public final class LayeringRules {
  /**
   * The packages of the commands: picocli is allowed there (and in {@code org.wgmesh.core.cli}).
   */
  public static final String COMMANDS = "..cli..";

  /** The Route53 adapter's package, the one place that talks to the AWS SDK. */
  public static final String ROUTE53_ADAPTER = "org.wgmesh.site.publish.route53..";

  /** The RFC 2136 adapter's package, the one place that sends DNS updates signed with TSIG. */
  public static final String RFC2136_ADAPTER = "org.wgmesh.site.publish.rfc2136..";

  /** The zone-file adapter's package. */
  public static final String ZONEFILE_ADAPTER = "org.wgmesh.site.publish.zonefile..";

  /** The publishers, each in a package of its own that uses none of the others. */
  public static final List<String> PUBLISHER_ADAPTERS =
      List.of(ZONEFILE_ADAPTER, RFC2136_ADAPTER, ROUTE53_ADAPTER);

  /** The site's HTTPS enrolment service, the one place that uses Jetty. */
  public static final String SITE_SERVICE = "org.wgmesh.site.service..";

  /** The DNS readers of wgcore, which (with {@value #RFC2136_ADAPTER}) may use dnsjava. */
  public static final String DNS_READERS = "org.wgmesh.core.dns..";

  /** The renderer's packages, the one place that uses FreeMarker. */
  public static final String RENDERER = "..endpoint..render..";

  /** The YAML codec layer and the site file codec; an endpoint module adds its file codec. */
  public static final List<String> CORE_YAML_CODECS =
      List.of(
          "org.wgmesh.core.yaml..",
          "org.wgmesh.core.site.SiteCodec",
          "org.wgmesh.core.site.SiteSpec",
          "org.wgmesh.core.site.EnrolmentSpec",
          "org.wgmesh.core.site.NamesSpec",
          "org.wgmesh.core.site.ClientSpec",
          "org.wgmesh.core.original.OriginalYaml");

  private LayeringRules() {}

  /**
   * The main (not test) classes of the packages below {@code rootPackage}, as compiled by this
   * build.
   */
  public static JavaClasses mainClasses(String rootPackage) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(rootPackage);
  }

  /**
   * Only command classes ({@value #COMMANDS} packages, which include the CLI plumbing) use picocli.
   */
  public static ArchRule picocliOnlyInCommands() {
    return onlyIn("picocli..", "picocli", COMMANDS);
  }

  /** Only the Route53 adapter ({@value #ROUTE53_ADAPTER}) uses the AWS SDK. */
  public static ArchRule awsSdkOnlyInRoute53Adapter() {
    return onlyIn("software.amazon.awssdk..", "the AWS SDK", ROUTE53_ADAPTER);
  }

  /**
   * Only the DNS readers ({@value #DNS_READERS}) and the RFC 2136 adapter ({@value
   * #RFC2136_ADAPTER}) use dnsjava; of dnsjava, only the adapter uses dynamic updates and TSIG.
   */
  public static ArchRule dnsjavaOnlyInDnsAdapters() {
    return CompositeArchRule.of(onlyIn("org.xbill.DNS..", "dnsjava", DNS_READERS, RFC2136_ADAPTER))
        .and(
            noClasses()
                .that(DescribedPredicate.not(in(RFC2136_ADAPTER)))
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.xbill.DNS.Update")
                .orShould()
                .dependOnClassesThat()
                .haveNameMatching("org\\.xbill\\.DNS\\.TSIG.*")
                .as("only " + RFC2136_ADAPTER + " sends DNS updates and signs with TSIG")
                .because("libraries stay at the edges (docs/architecture.md, layering rules)"));
  }

  /**
   * No publisher package ({@link #PUBLISHER_ADAPTERS}) uses another: what they share is in {@code
   * org.wgmesh.site.publish.target}, and only the factory in {@code org.wgmesh.site.publish} knows
   * them all.
   */
  public static ArchRule publishersUseNoOtherPublisher() {
    List<ArchRule> rules =
        PUBLISHER_ADAPTERS.stream()
            .<ArchRule>map(
                adapter ->
                    noClasses()
                        .that()
                        .resideInAPackage(adapter)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                            PUBLISHER_ADAPTERS.stream()
                                .filter(other -> !other.equals(adapter))
                                .toArray(String[]::new))
                        .as("no publisher package uses another " + PUBLISHER_ADAPTERS))
            .toList();
    return CompositeArchRule.of(rules);
  }

  /** Only the site's enrolment service ({@value #SITE_SERVICE}) uses Jetty. */
  public static ArchRule jettyOnlyInSiteService() {
    return onlyIn("org.eclipse.jetty..", "Jetty", SITE_SERVICE);
  }

  /** Only the renderer ({@value #RENDERER}) uses FreeMarker. */
  public static ArchRule freemarkerOnlyInRenderer() {
    return onlyIn("freemarker..", "FreeMarker", RENDERER);
  }

  /**
   * Only the file codecs use YAML: SnakeYAML ({@code org.yaml..}) and wgmesh's YAML layer ({@code
   * org.wgmesh.core.yaml..}).
   *
   * @param codecs where YAML is allowed, e.g. {@link #CORE_YAML_CODECS} plus the endpoint file
   *     codec
   */
  public static ArchRule yamlOnlyInFileCodecs(List<String> codecs) {
    String[] allowed = codecs.toArray(String[]::new);
    return noClasses()
        .that(DescribedPredicate.not(in(allowed)))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.yaml..", "org.wgmesh.core.yaml..")
        .as("YAML (org.yaml.., org.wgmesh.core.yaml..) is used only in the file codecs " + codecs)
        .because("the file formats are read and written in one place each (docs/architecture.md)");
  }

  /** No package depends on itself through other packages (every package is its own slice). */
  public static ArchRule noPackageCycles() {
    return slices()
        .matching("org.wgmesh.(**)")
        .should()
        .beFreeOfCycles()
        .as("the packages of org.wgmesh are free of cycles")
        .because("dependencies point inward: commands -> services -> interfaces <- adapters");
  }

  /**
   * No two classes (a top-level class with its nested classes is one file) use each other, directly
   * or through others: each file can be read, tested and changed with only what it uses below it.
   * Covers the classes in {@code rootPackage} and below; others (libraries, wgcore from a module)
   * are ignored.
   */
  public static ArchRule noClassCycles(String rootPackage) {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                JavaClass top = c;
                while (top.getEnclosingClass().isPresent()) {
                  top = top.getEnclosingClass().get();
                }
                return top.getPackageName().equals(rootPackage)
                        || top.getPackageName().startsWith(rootPackage + ".")
                    ? SliceIdentifier.of(top.getName())
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "the top-level classes of " + rootPackage;
              }
            })
        .should()
        .beFreeOfCycles()
        .as("no two classes of " + rootPackage + " use each other, directly or through others")
        .because("dependencies between files point one way (docs/architecture.md)");
  }

  private static ArchRule onlyIn(String libraryPackages, String library, String... allowed) {
    return noClasses()
        .that(DescribedPredicate.not(in(allowed)))
        .should()
        .dependOnClassesThat()
        .resideInAPackage(libraryPackages)
        .as("only " + Arrays.toString(allowed) + " use " + library + " (" + libraryPackages + ")")
        .because("libraries stay at the edges (docs/architecture.md, layering rules)");
  }

  /**
   * Classes in any of {@code places}: package patterns, or class names (with their nested classes).
   */
  static DescribedPredicate<JavaClass> in(String... places) {
    return DescribedPredicate.describe(
        "in " + Arrays.toString(places),
        c ->
            Arrays.stream(places)
                .anyMatch(
                    p ->
                        isClassName(p)
                            ? isOrIsNestedIn(c, p)
                            : PackageMatcher.of(p).matches(c.getPackageName())));
  }

  private static boolean isClassName(String place) {
    String last = place.substring(place.lastIndexOf('.') + 1);
    return !place.contains("..") && !last.isEmpty() && Character.isUpperCase(last.charAt(0));
  }

  private static boolean isOrIsNestedIn(JavaClass c, String className) {
    return c.getName().equals(className) || c.getName().startsWith(className + "$");
  }
}
