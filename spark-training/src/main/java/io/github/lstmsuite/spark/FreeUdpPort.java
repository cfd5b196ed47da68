package io.github.lstmsuite.spark;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * The UDP port of SharedTrainingMaster's parameter-server transport, one free port per JVM. DL4J's default gives
 * every JVM the same port (49876), which is right for one executor per machine; on one machine (this suite's local
 * cluster) the driver and every executor would then try to bind the same port. The port is picked once per JVM
 * (the transport asks more than once and must get the same answer).
 */
final class FreeUdpPort implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private static volatile int port;         // this JVM's pick; 0 until the first call

    @Override
    public int getPort() {
        if (port == 0) {
            synchronized (FreeUdpPort.class) {
                if (port == 0) {
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
                        port = s.getLocalPort();
                    } catch (IOException e) {
                        throw new IllegalStateException("no free UDP port for the parameter server: " + e.getMessage(), e);
                    }
                }
            }
        }
        return port;
    }
}
