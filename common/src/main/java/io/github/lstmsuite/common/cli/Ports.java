package io.github.lstmsuite.common.cli;

import io.github.lstmsuite.common.UserException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** TCP ports for the servers an app starts on this machine (the training UI, a local Spark cluster). */
public final class Ports {
    private Ports() {
    }

    /**
     * {@code preferred} when nothing listens on it at {@code host}, else a free port the system picks. Probed
     * by binding (without address reuse) and closing, so another program may still take it before the
     * caller does; the servers that use it report that as a one-line error.
     */
    public static int free(String host, int preferred) {
        for (int port : new int[] {preferred, 0}) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
                return probe.getLocalPort();
            } catch (IOException e) {
                // taken: try the next
            }
        }
        throw new UserException("no free port on " + host);
    }
}
