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
import java.util.Arrays;
import java.util.List;

/**
 * The layering rules of {@code docs/architecture.md} ("Layering rules (checked by ArchUnit)") as
 * ArchUnit rules, for each module's {@code LayeringTest} to apply to its own main classes ({@link
 * #mainClasses}). Libraries stay at the edges: picocli in the commands, the AWS SDK in the Route53
 * adapter, FreeMarker in the renderer, YAML in the file codecs; and no package depends, through
 * others, on itself.
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

  /** The Route53 adapter, the one class that talks to the AWS SDK. */
  public static final String ROUTE53_ADAPTER = "org.wgmesh.site.publish.Route53Publisher";

  /** The renderer's packages, the one place that uses FreeMarker. */
  public static final String RENDERER = "..endpoint..render..";

  /** The YAML codec layer and the site file codec; an endpoint module adds its file codec. */
  public static final List<String> CORE_YAML_CODECS =
      List.of(
          "org.wgmesh.core.yaml..",
          "org.wgmesh.core.site.SiteFile",
          "org.wgmesh.core.site.SiteSpec");

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

  /**
   * Only the Route53 adapter ({@value #ROUTE53_ADAPTER} and its nested classes) uses the AWS SDK.
   */
  public static ArchRule awsSdkOnlyInRoute53Adapter() {
    return onlyIn("software.amazon.awssdk..", "the AWS SDK", ROUTE53_ADAPTER);
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
