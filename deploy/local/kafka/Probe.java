import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Readiness probe for deploy/local/kafka.sh: an open port is not a working broker, so this
 * sends real metadata requests (DescribeCluster, ListTopics) with the broker's own client and
 * retries until they succeed or the deadline passes. Run with Java's single-file launcher:
 * java -cp 'libs/*' Probe.java BOOTSTRAP TIMEOUT_SECONDS
 */
public class Probe {
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        String lastError = "no attempt made";
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(props)) {
                DescribeClusterResult cluster = admin.describeCluster();
                String clusterId = cluster.clusterId().get(5, TimeUnit.SECONDS);
                int nodes = cluster.nodes().get(5, TimeUnit.SECONDS).size();
                int topics = admin.listTopics().names().get(5, TimeUnit.SECONDS).size();
                System.out.printf("broker at %s answers metadata requests: cluster %s, %d node(s),"
                        + " %d topic(s)%n", bootstrap, clusterId, nodes, topics);
                return;
            } catch (Exception e) {
                lastError = e.toString();
            }
            Thread.sleep(1000);
        }
        System.err.println("no metadata answer from " + bootstrap + ": " + lastError);
        System.exit(1);
    }
}
