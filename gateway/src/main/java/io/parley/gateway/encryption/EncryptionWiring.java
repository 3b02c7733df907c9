package io.parley.gateway.encryption;

import io.parley.persistence.encryption.FieldEncryption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node's field encryption: always on, its keysets re-read whenever their files change. */
@Configuration(proxyBeanMethods = false)
public class EncryptionWiring {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptionWiring.class);

    @Bean(destroyMethod = "close")
    FieldEncryption fieldEncryption(EncryptionProperties properties) {
        FieldEncryption encryption = FieldEncryption.watch(properties.files(), properties.reloadInterval());
        LOG.info("field encryption on: primary key {} of {} key(s){}", Integer.toUnsignedString(encryption.primaryKeyId()),
                encryption.keyIds().size(), properties.kekFile().isBlank() ? "" : ", keysets wrapped by a key-encryption key");
        return encryption;
    }
}
