package io.parley.gateway.auth.throttle;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client's address of a request. X-Forwarded-For is believed only when the TCP peer is a trusted
 * proxy, and then only as far as it was written by trusted proxies: the header is read right to left,
 * past the trusted proxies' own addresses, and the first other address is the client's. Anything a
 * client wrote further left is never read. Only IP literals are parsed (never a DNS lookup).
 */
public final class ClientAddresses {
    /** What {@link #of} answers when the peer is unknown (e.g. a test exchange without one). */
    public static final String UNKNOWN = "unknown";

    private final List<Cidr> trustedProxies;

    /** @throws IllegalArgumentException when an entry is neither an IP address nor a CIDR block */
    public ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** The client's IP address in its canonical text form, or {@link #UNKNOWN}. */
    public String of(ServerWebExchange exchange) {
        InetAddress client = client(exchange.getRequest());
        return client == null ? UNKNOWN : client.getHostAddress();
    }

    /**
     * What per-address throttles count under: the IPv4 address, or the /64 network of an IPv6 address
     * (one subscriber usually holds a whole /64, and could otherwise rotate through it).
     */
    public String throttleSubject(ServerWebExchange exchange) {
        InetAddress client = client(exchange.getRequest());
        if (client == null) {
            return UNKNOWN;
        }
        if (client instanceof Inet4Address) {
            return client.getHostAddress();
        }
        byte[] network = client.getAddress();
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private @Nullable InetAddress client(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        InetAddress peer = remote == null ? null : remote.getAddress();
        if (peer == null || !trusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop);
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parseLiteral(hops.get(i));
            if (hop == null) {
                // written by a trusted proxy yet no address ("unknown", garbage): stay with the last one known
                break;
            }
            client = hop;
            if (!trusted(hop)) {
                break;
            }
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IPv4 or IPv6 literal, also with a port ({@code 1.2.3.4:5}, {@code [::1]:5}); else null. */
    static @Nullable InetAddress parseLiteral(String text) {
        String s = text.strip();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                return null;
            }
            s = s.substring(1, end);
        } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
            s = s.substring(0, s.indexOf(':'));
        }
        if (s.indexOf(':') >= 0) {
            // with a colon, InetAddress only parses an IPv6 literal; it never resolves a name
            if (!s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')) {
                return null;
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        byte[] octets = ipv4(s);
        if (octets == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte @Nullable [] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            octets[i] = (byte) value;
        }
        return octets;
    }

    private record Cidr(byte[] network, int prefixLength) {

        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress parsed = parseLiteral(address);
            if (parsed == null || address.strip().startsWith("[")) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + entry);
            }
            int bits = parsed.getAddress().length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + entry, e);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range: " + entry);
            }
            return new Cidr(parsed.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = prefixLength / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
