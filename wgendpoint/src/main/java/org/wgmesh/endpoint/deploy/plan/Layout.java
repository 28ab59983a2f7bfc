package org.wgmesh.endpoint.deploy.plan;

import java.nio.file.Path;
import org.wgmesh.endpoint.settings.Roots;

/**
 * Where each managed file, socket and state file of one namespace lives, below the {@link Roots}.
 * Names carry the namespace so that several meshes can share a host.
 *
 * @param roots the configured roots
 * @param namespace the namespace name
 */
public record Layout(Roots roots, String namespace) {
  /** Directory of the WireGuard configs: {@code /etc/wireguard/<ns>/}. */
  public Path wireguardDir() {
    return roots.wireguard().resolve(namespace);
  }

  /** The {@code wg setconf} file of one interface (0600: it holds the private key). */
  public Path wireguardConf(String interfaceName) {
    return wireguardDir().resolve(interfaceName + ".conf");
  }

  /** The BIRD config: {@code /etc/bird/wgmesh-<ns>.conf}. */
  public Path birdConf() {
    return roots.bird().resolve("wgmesh-" + namespace + ".conf");
  }

  /** The directory BIRD includes {@code *.conf} from, for site-specific additions (not managed). */
  public Path birdLocalDir() {
    return roots.bird().resolve("wgmesh-" + namespace + ".d");
  }

  /** BIRD's control socket. */
  public Path birdSocket() {
    return roots.run().resolve("bird-" + namespace + ".ctl");
  }

  /** BIRD's PID file. */
  public Path birdPidFile() {
    return roots.run().resolve("bird-" + namespace + ".pid");
  }

  /** PID file of the wireguard-go process of one interface (direct supervision). */
  public Path wireguardGoPidFile(String interfaceName) {
    return roots.run().resolve("wireguard-go-" + namespace + "-" + interfaceName + ".pid");
  }

  /** Log of the wireguard-go process of one interface (direct supervision). */
  public Path wireguardGoLog(String interfaceName) {
    return stateDir().resolve("log").resolve("wireguard-go-" + interfaceName + ".log");
  }

  /** Shorewall (IPv4) config directory. */
  public Path shorewallDir() {
    return roots.shorewall();
  }

  /** Shorewall6 config directory. */
  public Path shorewall6Dir() {
    return roots.shorewall6();
  }

  /**
   * The nftables script of wgdeploy's table {@code inet wgmesh} (firewall: nftables), in the state
   * directory: nothing else reads it, and wgdeploy loads it again after a reboot.
   */
  public Path nftablesFile() {
    return stateDir().resolve("wgmesh.nft");
  }

  /** A systemd unit file. */
  public Path unit(String name) {
    return roots.systemd().resolve(name);
  }

  /** The BIRD unit. */
  public String birdUnit() {
    return "wgmesh-" + namespace + "-bird.service";
  }

  /** The wireguard-go unit template; the instance is the interface name. */
  public String wireguardGoUnitTemplate() {
    return "wgmesh-" + namespace + "-wg@.service";
  }

  /** The wireguard-go unit of one interface. */
  public String wireguardGoUnit(String interfaceName) {
    return "wgmesh-" + namespace + "-wg@" + interfaceName + ".service";
  }

  /** wgdeploy's own state for this namespace: manifest, journal, backups. */
  public Path stateDir() {
    return roots.state().resolve(namespace);
  }
}
