package org.wgmesh.endpoint.deploy.render;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.InvalidReferenceException;
import freemarker.core.ParseException;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.endpoint.deploy.plan.ClientLink;
import org.wgmesh.endpoint.deploy.plan.DeployPlan;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.WireGuardLink;
import org.wgmesh.endpoint.settings.Firewall;

/**
 * Renders every managed file of a {@link DeployPlan} from the FreeMarker templates. The built-in
 * templates sit in the jar under {@code org/wgmesh/endpoint/templates}; a file of the same relative
 * name in the override directory replaces one of them. A variable a template uses but the model
 * lacks is an error, never an empty string. The only place that imports FreeMarker.
 *
 * <p>The variables every template sees are listed in {@code docs/deploy.md}.
 */
public final class TemplateRenderer {
  /** Classpath folder of the built-in templates. */
  public static final String BUILTIN = "/org/wgmesh/endpoint/templates";

  private final Configuration config;
  private final Optional<Path> overrides;

  /**
   * @param overrides directory whose files replace built-in templates, file by file
   * @throws ConfigException when the override directory does not exist
   */
  public TemplateRenderer(Optional<Path> overrides) {
    this.overrides = overrides;
    config = new Configuration(Configuration.VERSION_2_3_34);
    config.setDefaultEncoding("UTF-8");
    config.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    config.setLogTemplateExceptions(false);
    config.setWrapUncheckedExceptions(true);
    config.setFallbackOnNullLoopVariable(false);
    // Numbers are formatted for machines (no grouping) even where a template forgets ?c.
    config.setNumberFormat("computer");
    config.setLocalizedLookup(false);
    List<TemplateLoader> loaders = new ArrayList<>();
    if (overrides.isPresent()) {
      Path dir = overrides.get();
      if (!Files.isDirectory(dir)) {
        throw new ConfigException(
            "template override directory " + dir,
            "does not exist or is not a directory",
            "create it, or drop the override setting");
      }
      try {
        loaders.add(new FileTemplateLoader(dir.toFile()));
      } catch (IOException e) {
        throw new ConfigException("template override directory " + dir, e.getMessage());
      }
    }
    loaders.add(new ClassTemplateLoader(TemplateRenderer.class, BUILTIN));
    config.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(new TemplateLoader[0])));
  }

  /**
   * Renders all files of the plan. The private key goes only into the WireGuard configs (0600).
   *
   * @return the files in a fixed order
   * @throws ConfigException naming the template, line and variable when a template fails
   */
  public List<RenderedFile> render(DeployPlan plan, X25519PrivateKey privateKey) {
    return render(plan, privateKey, List.of());
  }

  /**
   * Renders all files of the plan, with the interfaces of the default namespace that face the peers
   * of shared-LAN links ({@link DeployPlan#sharedLanPeers()}, found by the host probe): the
   * firewall forwards and masquerades WireGuard on them as on the public interface.
   */
  public List<RenderedFile> render(
      DeployPlan plan, X25519PrivateKey privateKey, List<String> sharedLanInterfaces) {
    Map<String, Object> model = TemplateModel.of(plan);
    model.put("sharedLanInterfaces", List.copyOf(sharedLanInterfaces));
    Layout l = plan.layout();
    List<RenderedFile> out = new ArrayList<>();
    for (WireGuardLink link : plan.links()) {
      Map<String, Object> m = new LinkedHashMap<>(model);
      m.put("link", TemplateModel.link(link));
      m.put("privateKey", privateKey.toBase64());
      out.add(
          file(
              l.wireguardConf(link.interfaceName()),
              "wireguard/wg.conf.ftl",
              m,
              AtomicFiles.SECRET,
              Component.WIREGUARD,
              link.interfaceName()));
    }
    for (ClientLink client : plan.clients()) {
      Map<String, Object> m = new LinkedHashMap<>(model);
      m.put("client", TemplateModel.client(client));
      m.put("privateKey", privateKey.toBase64());
      out.add(
          file(
              l.wireguardConf(client.interfaceName()),
              "wireguard/wg-client.conf.ftl",
              m,
              AtomicFiles.SECRET,
              Component.WIREGUARD,
              client.interfaceName()));
    }
    out.add(file(l.birdConf(), "bird/bird.conf.ftl", model, AtomicFiles.GROUP, Component.BIRD, ""));
    if (plan.settings().firewall() == Firewall.NFTABLES) {
      out.add(
          file(
              l.nftablesFile(),
              "nftables/wgmesh.nft.ftl",
              model,
              AtomicFiles.GROUP,
              Component.NFTABLES,
              ""));
    } else {
      shorewall(out, l.shorewallDir(), "shorewall", model, Component.SHOREWALL);
      shorewall(out, l.shorewall6Dir(), "shorewall6", model, Component.SHOREWALL6);
    }
    out.add(unit(l.unit(l.birdUnit()), "systemd/bird.service.ftl", model));
    out.add(unit(l.unit(l.wireguardGoUnitTemplate()), "systemd/wireguard-go@.service.ftl", model));
    return List.copyOf(out);
  }

  /** The Shorewall files wgdeploy renders, in the order Shorewall needs them. */
  private void shorewall(
      List<RenderedFile> out, Path dir, String tool, Map<String, Object> model, Component c) {
    for (String f : List.of(tool + ".conf", "zones", "interfaces", "policy", "rules", "snat")) {
      out.add(file(dir.resolve(f), tool + "/" + f + ".ftl", model, AtomicFiles.PUBLIC, c, ""));
    }
  }

  private RenderedFile unit(Path target, String template, Map<String, Object> model) {
    return file(target, template, model, AtomicFiles.PUBLIC, Component.SYSTEMD, "");
  }

  private RenderedFile file(
      Path target,
      String name,
      Map<String, Object> model,
      Set<PosixFilePermission> mode,
      Component c,
      String iface) {
    return new RenderedFile(target, render(name, model), mode, c, iface, name);
  }

  /** Renders one template by its relative name. */
  String render(String name, Map<String, Object> model) {
    String where =
        "template "
            + name
            + overrides
                .filter(d -> Files.exists(d.resolve(name)))
                .map(d -> " (override " + d.resolve(name) + ")")
                .orElse("");
    try {
      Template t = config.getTemplate(name);
      StringWriter w = new StringWriter();
      t.process(model, w);
      return w.toString();
    } catch (TemplateNotFoundException e) {
      throw new ConfigException(
          where, "not found", "the built-in templates are in the wgendpoint jar");
    } catch (InvalidReferenceException e) {
      throw new ConfigException(
          where + " line " + e.getLineNumber(),
          "undefined variable '" + e.getBlamedExpressionString() + "'",
          "see docs/deploy.md for the variables templates can use");
    } catch (TemplateException e) {
      throw new ConfigException(
          where + " line " + e.getLineNumber(), firstLine(e.getMessageWithoutStackTop()));
    } catch (ParseException e) {
      throw new ConfigException(
          where + " line " + e.getLineNumber(), firstLine(e.getEditorMessage()));
    } catch (IOException e) {
      throw new ConfigException(where, "cannot read: " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "cannot be rendered";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
