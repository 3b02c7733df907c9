package io.parley.gateway.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed ECDSA P-256 certificates for tests, valid for {@code localhost}, {@code 127.0.0.1}
 * and {@code ::1}, written as {@code cert.pem} + {@code key.pem} (unencrypted PKCS#8).
 *
 * <pre>{@code
 * TestCertificate cert = TestCertificates.generate(dir);       // dir/cert.pem, dir/key.pem
 * SslContext client = cert.trustingClientContext();            // a client that trusts only it
 * TestCertificate next = TestCertificates.generate(dir);       // replaces both files: a new key and serial
 * }</pre>
 */
public final class TestCertificates {

    public static final String CERTIFICATE_FILE = "cert.pem";
    public static final String PRIVATE_KEY_FILE = "key.pem";

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /**
     * A certificate on disk.
     *
     * @param certificate path of the PEM certificate
     * @param privateKey path of the PEM PKCS#8 private key
     * @param x509 the certificate itself, e.g. to compare serial numbers
     */
    public record TestCertificate(Path certificate, Path privateKey, X509Certificate x509) {

        public BigInteger serial() {
            return x509.getSerialNumber();
        }

        /** A Netty client context (BoringSSL engine) that trusts this certificate and nothing else. */
        public SslContext trustingClientContext() {
            return trustingClientBuilder().build();
        }

        /** Same trust, for tests that restrict protocols or cipher suites before building. */
        public Builder trustingClientBuilder() {
            return new Builder(SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(x509));
        }
    }

    /** Thin wrapper so callers need not catch {@link SSLException}. */
    public static final class Builder {
        private final SslContextBuilder delegate;

        private Builder(SslContextBuilder delegate) {
            this.delegate = delegate;
        }

        public Builder protocols(String... protocols) {
            delegate.protocols(protocols);
            return this;
        }

        public Builder ciphers(String... ciphers) {
            delegate.ciphers(java.util.List.of(ciphers));
            return this;
        }

        public SslContextBuilder netty() {
            return delegate;
        }

        public SslContext build() {
            try {
                return delegate.build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Key algorithm of a generated certificate. */
    public enum KeyType {
        /** ECDSA on P-256, what Parley's own scripts generate. */
        EC_P256,
        /** RSA 2048, e.g. to show that RSA key exchange and ECDHE-RSA CBC suites are refused. */
        RSA_2048
    }

    /**
     * Generates a new ECDSA P-256 key pair and certificate into {@code directory} (created if
     * needed), replacing any previous files there. Each call yields a distinct key and serial number.
     */
    public static TestCertificate generate(Path directory) {
        return generate(directory, KeyType.EC_P256);
    }

    /** As {@link #generate(Path)}, with the given key type. */
    public static TestCertificate generate(Path directory, KeyType keyType) {
        try {
            Files.createDirectories(directory);
            KeyPairGenerator generator;
            if (keyType == KeyType.EC_P256) {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, RANDOM);
            }
            KeyPair keyPair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(keyPair, keyType);
            Path certFile = directory.resolve(CERTIFICATE_FILE);
            Path keyFile = directory.resolve(PRIVATE_KEY_FILE);
            // key first, then certificate: a watcher reloading in between sees a consistent pair at the end
            writePem(keyFile, new JcaPKCS8Generator(keyPair.getPrivate(), null).generate());
            writePem(certFile, certificate);
            return new TestCertificate(certFile, keyFile, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server certificate as a real deployment has one: issued by a certificate authority (a new test CA,
     * ECDSA P-256), not self-signed. {@code leaf.certificate()} holds the chain (server, then CA).
     *
     * @param leaf the server's certificate and key on disk
     * @param authority the CA that issued it, for clients to trust
     */
    public record IssuedCertificate(TestCertificate leaf, X509Certificate authority) {
    }

    /** Generates a test CA and a server certificate it issues into {@code directory} (cert.pem, key.pem). */
    public static IssuedCertificate generateIssued(Path directory) {
        try {
            Files.createDirectories(directory);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair serverKeys = generator.generateKeyPair();
            X500Name caName = new X500Name("CN=Parley Test CA");
            Instant now = Instant.now();
            X509Certificate ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    caName, new BigInteger(64, RANDOM).setBit(63), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(30))), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            X509Certificate server = new JcaX509CertificateConverter().getCertificate(serverBuilder(caName, serverKeys,
                    KeyType.EC_P256).build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            Path certFile = directory.resolve(CERTIFICATE_FILE);
            Path keyFile = directory.resolve(PRIVATE_KEY_FILE);
            writePem(keyFile, new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
            writePem(certFile, server, ca);
            return new IssuedCertificate(new TestCertificate(certFile, keyFile, server), ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate selfSigned(KeyPair keyPair, KeyType keyType)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X509v3CertificateBuilder builder = serverBuilder(new X500Name("CN=localhost"), keyPair, keyType);
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(keyType == KeyType.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA").build(keyPair.getPrivate())));
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1, issued by {@code issuer} (itself when self-signed). */
    private static X509v3CertificateBuilder serverBuilder(X500Name issuer, KeyPair keyPair, KeyType keyType)
            throws IOException {
        X500Name subject = new X500Name("CN=localhost");
        Instant now = Instant.now();
        GeneralNames names = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")});
        return new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, RANDOM).setBit(63), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keyPair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, names)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(keyType == KeyType.EC_P256
                        ? KeyUsage.digitalSignature
                        : KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    }

    private static void writePem(Path target, Object... pemObjects) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            for (Object pemObject : pemObjects) {
                pem.writeObject(pemObject);
            }
        }
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
