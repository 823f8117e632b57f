package io.github.statesync.boot;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module's layout is its architecture, as in Spring Boot's own modules: the
 * {@code autoconfigure} packages sit on top and hold only auto-configurations, properties
 * and what maps them; runtime packages below never reach up into them; no package imports
 * one that imports it back.
 */
class PackageStructureTests {

	private static final JavaClasses BOOT = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.github.statesync.boot");

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.github.statesync.boot.(**)").should().beFreeOfCycles().check(BOOT);
	}

	@Test
	void runtimePackagesNeverDependOnAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackage("io.github.statesync.boot.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.github.statesync.boot.autoconfigure..")
			.check(BOOT);
	}

	@Test
	void autoConfigurationsArePublicFinalAndLiveInAutoconfigurePackages() {
		classes().that()
			.areAnnotatedWith(org.springframework.boot.autoconfigure.AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
			.andShould()
			.resideInAPackage("io.github.statesync.boot.autoconfigure..")
			.check(BOOT);
	}

	@Test
	void theModelAndItsSpisDependOnNoRuntimePackage() {
		noClasses().that()
			.resideInAPackage("io.github.statesync.boot.topic..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.github.statesync.boot.sync..", "io.github.statesync.boot.bean..",
					"io.github.statesync.boot.rest..", "io.github.statesync.boot.metrics..",
					"io.github.statesync.boot.actuate..", "io.github.statesync.boot.transport..",
					"io.github.statesync.boot.statistics..", "io.github.statesync.boot.reconcile..")
			.check(BOOT);
	}

}
