package io.parley.persistence.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.crypto.tink.KeysetHandle;
import io.parley.persistence.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing, the key id each ciphertext carries, keysets read from files (plain or wrapped) and re-read on change. */
class FieldEncryptionTest {

    private static final byte[] HERE = "parley\0events.text\0c_1\u00001".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ELSEWHERE = "parley\0events.text\0c_1\u00002".getBytes(StandardCharsets.UTF_8);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSealedValueOpensForItsAssociatedDataOnlyAndNamesItsKey() throws Exception {
        try (FieldEncryption encryption = FieldEncryption.load(TestKeys.generate())) {
            byte[] sealed = encryption.seal(bytes("my card ends 4242"), HERE);

            assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("4242");
            assertThat(FieldKeysets.keyIdOf(sealed)).isEqualTo(encryption.primaryKeyId());
            assertThat(new String(encryption.open(sealed, HERE), StandardCharsets.UTF_8)).isEqualTo("my card ends 4242");
            assertThatThrownBy(() -> encryption.open(sealed, ELSEWHERE)).isInstanceOf(GeneralSecurityException.class);
            // the same plaintext twice gives two ciphertexts (random nonce): equal values cannot be spotted
            assertThat(encryption.seal(bytes("my card ends 4242"), HERE)).isNotEqualTo(sealed);
        }
    }

    @Test
    void theBlindIndexIsKeyedAndDeterministic() {
        EncryptionKeyFiles files = TestKeys.generate();
        try (FieldEncryption one = FieldEncryption.load(files);
             FieldEncryption again = FieldEncryption.load(files);
             FieldEncryption other = FieldEncryption.load(TestKeys.generate())) {
            byte[] index = one.blindIndex(bytes("ada@example.com"));

            assertThat(index).hasSize(FieldEncryption.BLIND_INDEX_BYTES).isEqualTo(again.blindIndex(bytes("ada@example.com")));
            assertThat(one.blindIndex(bytes("bob@example.com"))).isNotEqualTo(index);
            assertThat(other.blindIndex(bytes("ada@example.com"))).isNotEqualTo(index);
        }
    }

    @Test
    void aWatchingNodeTakesUpANewKeyAndThenItsPromotionWithoutARestart() {
        EncryptionKeyFiles files = TestKeys.generate();
        try (FieldEncryption node = FieldEncryption.watch(files, Duration.ofMillis(100))) {
            int first = node.primaryKeyId();
            byte[] old = node.seal(bytes("before the rotation"), HERE);
            KeysetHandle before = files.fieldKeysetFile().read();
            KeysetHandle added = FieldKeysets.withNewKey(before);
            int second = FieldKeysets.addedKeys(before, added).iterator().next();

            files.fieldKeysetFile().write(added);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.keyIds().contains(second));
            assertThat(node.primaryKeyId()).isEqualTo(first);

            files.fieldKeysetFile().write(FieldKeysets.promoted(added, second));
            await().atMost(Duration.ofSeconds(10)).until(() -> node.primaryKeyId() == second);
            assertThat(FieldKeysets.keyIdOf(node.seal(bytes("after"), HERE))).isEqualTo(second);
            assertThat(node.open(old, HERE)).isEqualTo(bytes("before the rotation"));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBrokenOrSwappedFileKeepsTheKeysInUse() throws Exception {
        EncryptionKeyFiles files = TestKeys.generate();
        try (FieldEncryption node = FieldEncryption.load(files)) {
            int primary = node.primaryKeyId();

            Files.writeString(files.fieldKeyset(), "{\"primaryKeyId\": 1, \"key\": [");
            assertThatThrownBy(node::reload).hasMessageContaining(files.fieldKeyset().toString());
            files.fieldKeysetFile().write(FieldKeysets.newFieldKeyset());
            files.blindIndexKeysetFile().write(FieldKeysets.newBlindIndexKeyset());
            assertThatThrownBy(node::reload).hasMessageContaining("every stored blind index would stop matching");
            assertThat(node.primaryKeyId()).isEqualTo(primary);
        }
    }

    @Test
    void keysetsOfTheWrongKindAreRefusedByName(@TempDir Path dir) {
        EncryptionKeyFiles swapped = new EncryptionKeyFiles(dir.resolve("field.json"), dir.resolve("index.json"), null);
        swapped.fieldKeysetFile().write(FieldKeysets.newBlindIndexKeyset());
        swapped.blindIndexKeysetFile().write(FieldKeysets.newFieldKeyset());

        assertThatThrownBy(() -> FieldEncryption.load(swapped)).hasMessageContaining("must hold AES256-GCM keys");
        assertThatThrownBy(() -> FieldEncryption.load(new EncryptionKeyFiles(dir.resolve("missing.json"),
                dir.resolve("index.json"), null))).hasMessageContaining("missing.json does not exist");
    }

    @Test
    void keysetsWrappedByAKeyEncryptionKeyOpenWithItOnly(@TempDir Path dir) throws Exception {
        Path kek = dir.resolve("kek.json");
        KeysetFile.createKek(kek);
        EncryptionKeyFiles wrapped = new EncryptionKeyFiles(dir.resolve("field.json"), dir.resolve("index.json"), kek);
        wrapped.fieldKeysetFile().write(FieldKeysets.newFieldKeyset());
        wrapped.blindIndexKeysetFile().write(FieldKeysets.newBlindIndexKeyset());

        String onDisk = Files.readString(wrapped.fieldKeyset());
        assertThat(onDisk).contains("encryptedKeyset").doesNotContain("keyData").doesNotContain("\"value\"");
        try (FieldEncryption encryption = FieldEncryption.load(wrapped)) {
            assertThat(encryption.open(encryption.seal(bytes("x"), HERE), HERE)).isEqualTo(bytes("x"));
        }
        assertThatThrownBy(() -> FieldEncryption.load(new EncryptionKeyFiles(wrapped.fieldKeyset(),
                wrapped.blindIndexKeyset(), null))).hasMessageContaining("parley.encryption.kek-file");
        // the wrapping names the keyset's purpose: the two wrapped files cannot stand in for each other
        assertThatThrownBy(() -> FieldEncryption.load(new EncryptionKeyFiles(wrapped.blindIndexKeyset(),
                wrapped.fieldKeyset(), kek))).hasMessageContaining("cannot read");
        EncryptionKeyFiles plain = TestKeys.generate();
        assertThatThrownBy(() -> FieldEncryption.load(new EncryptionKeyFiles(plain.fieldKeyset(),
                plain.blindIndexKeyset(), kek))).hasMessageContaining("is not wrapped");
    }

    @Test
    void keysCanBeRemovedButNeverThePrimary() {
        KeysetHandle one = FieldKeysets.newFieldKeyset();
        KeysetHandle two = FieldKeysets.withNewKey(one);
        int primary = one.getPrimary().getId();
        int added = FieldKeysets.addedKeys(one, two).iterator().next();

        assertThatThrownBy(() -> FieldKeysets.without(two, primary)).hasMessageContaining("is the primary key");
        assertThat(FieldKeysets.keys(FieldKeysets.without(two, added))).extracting(FieldKeysets.KeyInfo::id)
                .containsExactly(primary);
        assertThat(FieldKeysets.parseKeyId(FieldKeysets.keyId(-5))).isEqualTo(-5);
        assertThat(FieldKeysets.prefixOf(added)).startsWith((byte) 1);
        assertThat(FieldKeysets.keyIdOf(FieldKeysets.prefixOf(added))).isEqualTo(added);
    }
}
