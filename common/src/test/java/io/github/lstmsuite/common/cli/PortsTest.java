package io.github.lstmsuite.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void thePreferredPortWhenFreeElseAnotherFreeOne() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            free = s.getLocalPort();
            int other = Ports.free("127.0.0.1", free);            // taken now: another one
            assertNotEquals(free, other);
            assertTrue(other > 0);
            try (ServerSocket t = new ServerSocket()) {             // and that one is really free
                t.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), other));
            }
        }
        assertEquals(free, Ports.free("127.0.0.1", free));          // released: the preferred port
    }
}
