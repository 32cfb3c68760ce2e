import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * A throw-away Neo4j 5 Community server for tests and benchmarks: the database runs in this JVM and
 * answers Bolt on 127.0.0.1:<port>, without TLS or authentication. Started and stopped by
 * scripts/infra/neo4j.sh, which runs this file as a single-file source program:
 *
 *   java --add-opens=... -cp '<jars>/*' Launcher.java <home dir> <port> <page cache bytes>
 *
 * SIGTERM runs the shutdown hook, which shuts the database down cleanly (no recovery at the next start).
 */
public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher <home dir> <bolt port> <page cache bytes>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCache = Long.parseLong(args[2]);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // A test server: small page cache, no pre-allocated 250 MB transaction log files, and only
                // the newest log kept, so repeated test runs do not fill the disk.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            System.out.println("twitchgraph-neo4j stopped");
            System.out.flush();
        }, "twitchgraph-neo4j-shutdown"));

        // Opening the default database waits until it is available; Bolt is listening by then.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        System.out.println("twitchgraph-neo4j ready bolt://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
