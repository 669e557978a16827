/*
 * dsqspec's entry point into TLC.
 *
 *   DsqspecTLC TLC-ARGS...                      tlc2.TLC, with Java RMI unable to listen
 *   DsqspecTLC --listen ADDR:PORT --server ARGS tlc2.tool.distributed.TLCServer, RMI bound to ADDR
 *   DsqspecTLC --listen ADDR:PORT --worker HOST tlc2.tool.distributed.TLCWorker, RMI bound to ADDR
 *
 * TLC's fingerprint set (tlc2.tool.fp.FPSet) extends UnicastRemoteObject so
 * that distributed TLC can reach it; constructing one exports it over RMI on
 * an anonymous TCP port on every interface, for the whole run, even when TLC
 * runs alone.  Without --listen the RMI server sockets handed out here are
 * never bound: the export succeeds, nothing listens, and no other machine (or
 * user) can talk to the model checker.
 *
 * Distributed TLC must listen, so with --listen every RMI server socket is
 * bound to that one address and the stubs handed to the other side name it
 * (java.rmi.server.hostname).  An export on an anonymous port (port 0: the
 * server, its fingerprint set, a worker) goes to PORT, so that a firewall
 * needs to know two ports of the server and one of each worker.  The server's
 * registry port is tlc2.tool.distributed.TLCServer.port, set by dsqspec.
 *
 * TLCServer ends with System.exit(0) whatever it found (its fingerprint set's
 * exit does that); a shutdown hook here turns a finished run's exit into the
 * status tlc2.TLC gives the same outcome (12 for an invariant violation, ...),
 * computed from the first error TLC reported.
 *
 * Two gaps of distributed TLC 2.18 are closed here, both visible in a plain
 * TLCServer/TLCWorker run of a violating model:
 *  - A worker never sets a successor's level (TLCState.setPredecessor), so
 *    every state looks initial and the server prints a counterexample of two
 *    states, the first labelled "Initial predicate".  LevelledWorker sets it;
 *    the server then rebuilds the whole behaviour from its trace file.
 *  - The server prints the behaviour but not what it violates (the worker's
 *    message stays in the WorkerException).  After the run, the last state of
 *    that behaviour is checked against each invariant by the server's own
 *    TLC evaluator, and the first one it violates is reported as tlc2.TLC
 *    reports it (message 2110); a last state with no successor is a deadlock.
 */

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.rmi.server.RMISocketFactory;
import java.lang.reflect.Field;
import java.rmi.ConnectException;
import java.rmi.Naming;
import java.rmi.NoSuchObjectException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.server.UnicastRemoteObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import tlc2.output.EC;
import tlc2.output.MP;
import tlc2.output.Message;
import tlc2.output.OutputCollector;
import tlc2.tool.Action;
import tlc2.tool.ITool;
import tlc2.tool.TLCState;
import tlc2.tool.TLCStateInfo;
import tlc2.tool.TLCStateMut;
import tlc2.tool.TLCStateVec;
import tlc2.tool.WorkerException;
import tlc2.tool.distributed.DistApp;
import tlc2.tool.distributed.InternRMI;
import tlc2.tool.distributed.NextStateResult;
import tlc2.tool.distributed.RMIFilenameToStreamResolver;
import tlc2.tool.distributed.TLCApp;
import tlc2.tool.distributed.TLCServer;
import tlc2.tool.distributed.TLCServerRMI;
import tlc2.tool.distributed.TLCWorker;
import tlc2.tool.distributed.fp.IFPSetManager;
import tlc2.util.FP64;
import util.UniqueString;

public final class DsqspecTLC {
    private static final int ERROR_CLASS = 1;  // tlc2.output.MP.ERROR
    private static final int USAGE = 2;

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

    /** RMI listening on one address only; an anonymous export goes to a fixed port. */
    static final class BoundFactory extends RMISocketFactory {
        private final InetAddress address;
        private final int anonymousPort;

        BoundFactory(InetAddress address, int anonymousPort) {
            this.address = address;
            this.anonymousPort = anonymousPort;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port == 0 ? anonymousPort : port), 50);
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return new Socket(host, port);
        }
    }

    /** The exit status tlc2.TLC would give: from the first error that maps to one. */
    static int exitStatus() {
        List<Message> messages = OutputCollector.getAllMessages();
        int status = 0;
        synchronized (OutputCollector.class) {
            for (Message message : messages) {
                if (message.getMessageClass() != ERROR_CLASS) {
                    continue;
                }
                int mapped = EC.ExitStatus.errorConstantToExitStatus(message.getMessageCode());
                if (mapped != EC.ExitStatus.ERROR) {
                    return mapped;
                }
                status = EC.ExitStatus.ERROR;
            }
        }
        return status;
    }

    /** A TLC worker whose successors carry their level (depth), which TLC 2.18's worker omits. */
    static final class LevelledWorker extends TLCWorker {
        private static final long serialVersionUID = 1L;
        private final transient CountDownLatch exited;

        LevelledWorker(int id, DistApp work, IFPSetManager fpSets, String host, CountDownLatch exited)
                throws RemoteException {
            super(id, work, fpSets, host);
            this.exited = exited;
        }

        @Override
        public synchronized NextStateResult getNextStates(TLCState[] states)
                throws WorkerException, RemoteException {
            NextStateResult result = super.getNextStates(states);
            Map<Long, TLCState> parents = new HashMap<>();
            for (TLCState state : states) {
                parents.put(state.uid, state);  // a successor carries its parent's uid
            }
            for (TLCStateVec vec : result.getNextStates()) {
                for (int i = 0; i < vec.size(); i++) {
                    TLCState next = vec.elementAt(i);
                    TLCState parent = parents.get(next.uid);
                    if (parent != null) {
                        next.setPredecessor(parent);
                    }
                }
            }
            return result;
        }

        /** The server is done with this worker; TLCWorker.exit needs TLCWorker.main's statics. */
        @Override
        public void exit() throws NoSuchObjectException {
            UnicastRemoteObject.unexportObject(this, true);
            exited.countDown();
        }
    }

    private static TLCServerRMI lookUp(String host) throws Exception {
        String url = "//" + host + ":" + TLCServer.Port + "/" + TLCServer.SERVER_WORKER_NAME;
        for (int attempt = 1;; attempt++) {
            try {
                return (TLCServerRMI) Naming.lookup(url);
            } catch (ConnectException | NotBoundException e) {
                if (attempt == 1) {
                    System.out.println("DsqspecTLC: waiting for the TLC server at " + url);
                }
                Thread.sleep(Math.min(5000, 250L * attempt));
            }
        }
    }

    static final long EXIT_REPLY_GRACE_MS = 1000;  // well inside dsqspec's WORKER_EXIT_GRACE (5 s)

    /** Join the server at `host` with `threads` worker threads; return once it released them. */
    static int worker(String host, String self) throws Exception {
        int threads = Integer.getInteger("dsqspec.worker.threads",
                                         Runtime.getRuntime().availableProcessors());
        TLCServerRMI server = lookUp(host);
        FP64.Init(server.getIrredPolyForFP());
        UniqueString.setSource((InternRMI) server);  // before any other UniqueString is made
        RMIFilenameToStreamResolver files = new RMIFilenameToStreamResolver();
        files.setTLCServer(server);
        DistApp work = new TLCApp(server.getSpecFileName(), server.getConfigFileName(),
                                  server.getCheckDeadlock(), files);
        IFPSetManager fpSets = server.getFPSetManager();
        CountDownLatch exited = new CountDownLatch(threads);
        for (int id = 0; id < threads; id++) {
            server.registerWorker(new LevelledWorker(id, work, fpSets, self, exited));
        }
        System.out.println("DsqspecTLC: worker with " + threads + " threads joined " + host);
        System.out.flush();
        while (!exited.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            try {
                server.isDone();
            } catch (RemoteException e) {
                System.out.println("DsqspecTLC: the TLC server is gone (" + e.getMessage() + ")");
                return EC.ExitStatus.ERROR;
            }
        }
        // exit() returns to the server over RMI only after the latch opened: a JVM that ended
        // at once could die before that reply left, and the server then failed its run with
        // java.rmi.UnmarshalException (EOFException) instead of finishing it (seen in CI).
        Thread.sleep(EXIT_REPLY_GRACE_MS);
        System.out.println("DsqspecTLC: the TLC server released this worker");
        return 0;
    }

    private static boolean finished() {
        synchronized (OutputCollector.class) {
            for (Message message : OutputCollector.getAllMessages()) {
                if (message.getMessageCode() == EC.TLC_FINISHED) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Shutdown hook: a finished run leaves with its verdict's status; a killed one as killed. */
    static void serverFinished() {
        if (!finished()) {
            return;
        }
        nameViolation();
        System.out.flush();
        Runtime.getRuntime().halt(exitStatus());
    }

    private static ITool serverTool() throws ReflectiveOperationException {
        Field field = TLCStateMut.class.getDeclaredField("mytool");
        field.setAccessible(true);
        return (ITool) field.get(null);
    }

    /** Name what the server's counterexample violates: TLCServer prints only the behaviour. */
    static void nameViolation() {
        List<TLCStateInfo> trace = OutputCollector.getTrace();
        if (trace == null || trace.isEmpty()) {
            return;
        }
        synchronized (OutputCollector.class) {
            for (Message message : OutputCollector.getAllMessages()) {
                int code = message.getMessageCode();
                if (code == EC.TLC_INVARIANT_VIOLATED_BEHAVIOR || code == EC.TLC_DEADLOCK_REACHED
                        || code == EC.TLC_INVARIANT_VIOLATED_INITIAL) {
                    return;
                }
            }
        }
        TLCState last = trace.get(trace.size() - 1).state;
        try {
            ITool tool = serverTool();
            Action[] invariants = tool.getInvariants();
            String[] names = tool.getInvNames();
            for (int i = 0; i < invariants.length; i++) {
                if (!tool.isValid(invariants[i], last)) {
                    System.out.println("DsqspecTLC: TLCServer printed the behaviour only; TLC's "
                                       + "evaluator finds its last state violates " + names[i]);
                    MP.printError(EC.TLC_INVARIANT_VIOLATED_BEHAVIOR, names[i]);
                    return;
                }
            }
            for (Action action : tool.getActions()) {
                if (!tool.getNextStates(action, last).empty()) {
                    System.out.println("DsqspecTLC: TLCServer printed a behaviour whose last state "
                                       + "violates no invariant and has a successor");
                    return;
                }
            }
            MP.printError(EC.TLC_DEADLOCK_REACHED);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("DsqspecTLC: cannot name the violation of TLCServer's behaviour: " + e);
        }
    }

    private static int usage(String why) {
        System.err.println("DsqspecTLC: " + why + "; usage: DsqspecTLC [--listen ADDRESS:PORT"
                           + " (--server TLCSERVER-ARGS | --worker SERVER-HOST)] TLC-ARGS");
        return USAGE;
    }

    /** "127.0.0.1:10998" or "[::1]:10998" (the brackets of an IPv6 address are optional). */
    private static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen needs ADDRESS:PORT, not " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(text.substring(colon + 1));
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IllegalArgumentException("--listen " + text + ": " + e.getMessage());
        }
    }

    private static int distributed(String[] args) throws Exception {
        if (args.length < 3) {
            return usage("--listen needs an address and --server or --worker");
        }
        InetSocketAddress listen;
        try {
            listen = parseListen(args[1]);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        String[] rest = Arrays.copyOfRange(args, 3, args.length);
        System.setProperty("java.rmi.server.hostname", listen.getAddress().getHostAddress());
        RMISocketFactory.setSocketFactory(new BoundFactory(listen.getAddress(), listen.getPort()));
        if ("--server".equals(args[2])) {
            Runtime.getRuntime().addShutdownHook(new Thread(DsqspecTLC::serverFinished));
            try {
                TLCServer.main(rest);
            } catch (Throwable e) {  // TLCServer.main's own finally can throw after a failed start
                System.out.println("DsqspecTLC: TLCServer stopped: " + e);
                return exitStatus() == 0 ? EC.ExitStatus.ERROR : exitStatus();
            }
            return exitStatus();
        }
        if ("--worker".equals(args[2])) {
            if (rest.length != 1) {
                return usage("--worker takes one argument, the server's address");
            }
            try {
                return worker(rest[0], listen.getAddress().getHostAddress());
            } catch (Exception e) {
                System.out.println("DsqspecTLC: the worker failed: " + e);
                return EC.ExitStatus.ERROR;
            }
        }
        return usage("after --listen comes --server or --worker, not " + args[2]);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "--listen".equals(args[0])) {
            System.exit(distributed(args));
        }
        RMISocketFactory.setSocketFactory(new NoNetworkFactory());
        tlc2.TLC.main(args);
    }
}
