package io.parley.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.persistence.encryption.EncryptionKeyFiles;
import io.parley.persistence.encryption.FieldEncryption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/dev-secrets writes its Tink keysets with openssl alone: Tink must read them as the dev profile does. */
class DevSecretsKeysetsTest {

    @Test
    void theDevelopmentKeysetsLoadSealAndStayAsTheyAreOnTheNextRun(@TempDir Path checkout) throws Exception {
        Files.createDirectories(checkout.resolve("scripts"));
        Files.copy(Path.of("..", "scripts", "dev-secrets"), checkout.resolve("scripts/dev-secrets"));
        devSecrets(checkout);
        Path field = checkout.resolve(".dev/secrets/field-keyset.json");
        String first = Files.readString(field);

        try (FieldEncryption encryption = FieldEncryption.load(new EncryptionKeyFiles(field,
                checkout.resolve(".dev/secrets/blind-index-keyset.json"), null))) {
            byte[] associated = "parley\0events.text\0c_dev\u00001".getBytes(StandardCharsets.UTF_8);
            byte[] sealed = encryption.seal("hello".getBytes(StandardCharsets.UTF_8), associated);
            assertThat(new String(encryption.open(sealed, associated), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(encryption.blindIndex("a@b.c".getBytes(StandardCharsets.UTF_8))).hasSize(32);
        }
        devSecrets(checkout);
        assertThat(Files.readString(field)).as("kept on the next run").isEqualTo(first);
    }

    private static void devSecrets(Path checkout) throws Exception {
        Process process = new ProcessBuilder("bash", "scripts/dev-secrets").directory(checkout.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
