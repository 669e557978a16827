/*
 * dsqspec's entry point into TLC: tlc2.TLC.main, with Java RMI unable to listen.
 *
 * TLC's fingerprint set (tlc2.tool.fp.FPSet) extends UnicastRemoteObject so
 * that distributed TLC can reach it; constructing one exports it over RMI on
 * an anonymous TCP port on every interface, for the whole run, even when TLC
 * runs alone.  dsqspec never runs distributed TLC, so the RMI server sockets
 * handed out here are never bound: the export succeeds, nothing listens, and
 * no other machine (or user) can talk to the model checker.
 */

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.rmi.server.RMISocketFactory;
import java.util.concurrent.CountDownLatch;

public final class DsqspecTLC {
    private DsqspecTLC() {
    }

    /** A server socket that is never bound: accept() waits until it is closed. */
    static final class UnboundServerSocket extends ServerSocket {
        private final CountDownLatch closed = new CountDownLatch(1);

        UnboundServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SocketException("dsqspec: RMI does not listen");
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            super.close();
        }
    }

    /** RMI without a listening socket; outgoing connections are refused too. */
    static final class NoNetworkFactory extends RMISocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new UnboundServerSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new SocketException("dsqspec: RMI connections are disabled");
        }
    }

    public static void main(String[] args) throws Exception {
        RMISocketFactory.setSocketFactory(new NoNetworkFactory());
        tlc2.TLC.main(args);
    }
}
