package io.parley.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ChatCoreIsFrameworkFreeTest {
    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.parley.core");

    @Test
    void chatCoreDependsOnNoFrameworkOrDriver() {
        noClasses().that().resideInAPackage("io.parley.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "io.r2dbc..", "io.lettuce..", "reactor.netty..", "io.netty..",
                        "io.parley.persistence..", "io.parley.gateway..")
                .check(core);
    }

    @Test
    void portsDependOnNothingButTheModelAndTheProtocol() {
        noClasses().that().resideInAPackage("io.parley.core.port..")
                .should().dependOnClassesThat().resideInAnyPackage("io.parley.core.engine..", "io.parley.core.responder..")
                .check(core);
    }
}
