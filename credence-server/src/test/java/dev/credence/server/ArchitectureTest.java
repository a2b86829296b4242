package dev.credence.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.credence.server.http.ApiException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled server: no cycles between
 * packages, nothing imports the wiring in the root package, each feature depends only on the
 * features below it, and no package grows past twenty top-level classes.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.credence.server";

  /** Packages every package may use: the domain's refusals. */
  static final Set<String> EVERYONE_MAY_USE = Set.of("errors");

  /**
   * What each top-level package may use besides itself and {@link #EVERYONE_MAY_USE}, lowest first:
   * the picture in docs/architecture.md, as a table. A package missing here fails the test until it
   * is placed.
   */
  static final Map<String, Set<String>> MAY_USE =
      Map.ofEntries(
          Map.entry("outbound", Set.of()),
          Map.entry("scoring", Set.of()),
          Map.entry("errors", Set.of()),
          Map.entry("config", Set.of("outbound")),
          Map.entry("store", Set.of("config")),
          Map.entry("http", Set.of("config", "store")),
          Map.entry("metrics", Set.of("config", "http")),
          Map.entry("audit", Set.of("http", "store")),
          Map.entry(
              "deployments", Set.of("audit", "config", "http", "outbound", "scoring", "store")),
          Map.entry("webhooks", Set.of("deployments", "http", "outbound", "store")),
          Map.entry("sessions", Set.of("deployments", "http", "store")),
          Map.entry("assessment", Set.of("deployments", "http", "scoring", "sessions", "store")),
          Map.entry(
              "results",
              Set.of("assessment", "deployments", "http", "scoring", "sessions", "store")),
          Map.entry(
              "endings",
              Set.of(
                  "assessment",
                  "audit",
                  "deployments",
                  "http",
                  "results",
                  "sessions",
                  "store",
                  "webhooks")),
          Map.entry("outcomes", Set.of("audit", "deployments", "http", "sessions", "store")),
          Map.entry(
              "erasure",
              Set.of(
                  "assessment",
                  "audit",
                  "deployments",
                  "endings",
                  "outcomes",
                  "results",
                  "sessions",
                  "webhooks")),
          Map.entry(
              "calibration",
              Set.of(
                  "assessment",
                  "audit",
                  "deployments",
                  "http",
                  "outcomes",
                  "results",
                  "scoring",
                  "store")),
          Map.entry(
              "console",
              Set.of(
                  "audit",
                  "calibration",
                  "config",
                  "deployments",
                  "endings",
                  "erasure",
                  "http",
                  "outbound",
                  "outcomes",
                  "results",
                  "scoring",
                  "sessions",
                  "store",
                  "webhooks")));

  private static JavaClasses classes;

  @BeforeAll
  static void importServer() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    assertThat(classes).as("the server's classes were found").hasSizeGreaterThan(100);
  }

  @Test
  void noCyclesBetweenAnyTwoPackages() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void nothingImportsTheRootWiring() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT)
        .check(classes);
  }

  @Test
  void onlyTheHttpEdgeTurnsRefusalsIntoStatuses() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".http")
        .should()
        .callConstructor(ApiException.class, int.class, String.class, String.class)
        .orShould()
        .callConstructor(ApiException.class, int.class, String.class, String.class, Map.class)
        .because("services and pages throw errors.Refusal; http maps its kind to a status")
        .check(classes);
  }

  @Test
  void eachPackageUsesOnlyThePackagesBelowIt() {
    Map<String, Set<String>> unexpected = new TreeMap<>();
    for (JavaClass from : classes) {
      String source = topPackage(from);
      if (source == null) {
        continue; // the root wiring may use everything
      }
      Set<String> allowed = MAY_USE.get(source);
      assertThat(allowed).as("package %s is placed in MAY_USE", source).isNotNull();
      for (Dependency dependency : from.getDirectDependenciesFromSelf()) {
        String target = topPackage(dependency.getTargetClass());
        if (target != null
            && !target.equals(source)
            && !allowed.contains(target)
            && !EVERYONE_MAY_USE.contains(target)) {
          unexpected
              .computeIfAbsent(source + " -> " + target, k -> new TreeSet<>())
              .add(from.getSimpleName() + " uses " + dependency.getTargetClass().getSimpleName());
        }
      }
    }
    assertThat(unexpected).as("dependencies against the direction").isEmpty();
  }

  @Test
  void noPackageHasMoreThanTwentyTopLevelClasses() {
    Map<String, Long> sizes =
        classes.stream()
            .filter(c -> c.getPackageName().startsWith(ROOT))
            .filter(JavaClass::isTopLevelClass)
            .collect(Collectors.groupingBy(JavaClass::getPackageName, Collectors.counting()));
    assertThat(sizes).isNotEmpty();
    assertThat(sizes).allSatisfy((name, size) -> assertThat(size).as(name).isLessThanOrEqualTo(20));
  }

  /** The package under the root a class lives in ({@code console} for console.web), or null. */
  private static String topPackage(JavaClass c) {
    String name = c.getPackageName();
    if (!name.startsWith(ROOT + ".")) {
      return null;
    }
    String rest = name.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
