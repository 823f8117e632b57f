package io.github.statesync.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core's layout is its architecture: packages free of cycles, the protocol at the
 * bottom, and no framework anywhere (the enforcer plugin bans the artifacts; this bans
 * the imports).
 */
class PackageStructureTests {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.github.statesync.core");

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.github.statesync.core.(*)..").should().beFreeOfCycles().check(CORE);
	}

	@Test
	void protocolDependsOnNothingElseOfTheLibrary() {
		noClasses().that()
			.resideInAPackage("io.github.statesync.core.protocol..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.github.statesync.core.engine..", "io.github.statesync.core.spi..",
					"io.github.statesync.core.archive..", "io.github.statesync.core.publish..")
			.check(CORE);
	}

	@Test
	void coreUsesNoFramework() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.micrometer..", "io.lettuce..", "tools.jackson..",
					"com.fasterxml.jackson..", "io.netty..", "reactor..")
			.check(CORE);
	}

}
