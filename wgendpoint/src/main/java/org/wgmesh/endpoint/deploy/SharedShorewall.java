package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.ShorewallConfigDir;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.render.Component;
import org.wgmesh.endpoint.deploy.render.RenderedFile;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes.OnDisk;
import org.wgmesh.endpoint.deploy.state.Manifest;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.ExistingFirewall;

/**
 * Shorewall shared with the operator ({@code docs/deploy.md}, "A router with its own Shorewall"):
 * the include files beside the rendered ones, and what the first Shorewall deploy does with a
 * configuration it finds. Reads the directories; writes nothing.
 *
 * @param includes the include files to manage (existing ones as they are)
 * @param operatorFiles the operator's files a merge found, to save before anything changes
 */
record SharedShorewall(List<RenderedFile> includes, List<Path> operatorFiles) {

  /**
   * The include files of both Shorewall directories, and on the first Shorewall deploy (the last
   * manifest lists no rendered file there, and no run was interrupted) the operator's configuration
   * found in them: refused, or merged into the include files.
   *
   * @throws ConflictException when a directory holds the operator's configuration and the endpoint
   *     says {@code existing-firewall: refuse}; nothing has changed then
   */
  static SharedShorewall of(
      EndpointConfig config, Layout layout, Manifest old, boolean interrupted) {
    List<RenderedFile> includes = new ArrayList<>();
    List<Path> found = new ArrayList<>();
    for (Shorewall tool : Shorewall.values()) {
      Path dir = tool == Shorewall.V4 ? layout.shorewallDir() : layout.shorewall6Dir();
      Component c = tool == Shorewall.V4 ? Component.SHOREWALL : Component.SHOREWALL6;
      // After an interrupted run its files are on disk: that run has already decided.
      boolean managed =
          interrupted
              || old.files().stream()
                  .anyMatch(f -> dir.equals(f.getParent()) && !ShorewallIncludes.isInclude(f));
      Map<String, OnDisk> merged = new LinkedHashMap<>();
      if (!managed) {
        Map<String, OnDisk> operator = ShorewallConfigDir.operatorFiles(dir, tool);
        if (!operator.isEmpty() && config.existingFirewall() == ExistingFirewall.REFUSE) {
          throw refused(config, dir, tool, operator.keySet());
        }
        operator.forEach(
            (name, file) -> {
              found.add(dir.resolve(name));
              if (ShorewallIncludes.NAMES.contains(name)) {
                merged.put(name, file);
              }
            });
      }
      includes.addAll(
          ShorewallIncludes.files(dir, tool.tool(), c, ShorewallConfigDir.includes(dir), merged));
    }
    return new SharedShorewall(includes, found);
  }

  private static ConflictException refused(
      EndpointConfig config, Path dir, Shorewall tool, Set<String> names) {
    return new ConflictException(
        dir.toString(),
        "holds a "
            + tool.tool()
            + " configuration wgdeploy did not write ("
            + String.join(", ", names)
            + "); a deploy would replace it",
        "to keep it, let wgdeploy move your zones, interfaces, policy, rules and snat into the"
            + " *.local include files it keeps ('wgconfig --existing-firewall merge "
            + config.domain()
            + "'; --down puts the directory back), or move the files away yourself, or use"
            + " nftables ('wgconfig --firewall nftables "
            + config.domain()
            + "'); see docs/deploy.md, \"A router with its own Shorewall\"");
  }
}
