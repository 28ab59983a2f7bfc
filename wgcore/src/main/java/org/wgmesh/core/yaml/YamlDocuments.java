package org.wgmesh.core.yaml;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads YAML into {@link YamlNode}s that remember their line, using SnakeYAML's node API ({@code
 * compose}), never its object construction: no tags are resolved into Java types, so a file cannot
 * make us instantiate anything.
 */
public final class YamlDocuments {
  /** Bigger than any sane site file (a 1000-host site is about 300 KB). */
  private static final int MAX_CODE_POINTS = 32 * 1024 * 1024;

  private YamlDocuments() {}

  /**
   * Parses one YAML document.
   *
   * @param source names the text in errors (usually the file path)
   * @return the root node; an empty document is an error
   * @throws ConfigException for a syntax error (with its line) or an empty document
   */
  public static YamlNode parse(String text, String source) {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(false);
    opts.setMaxAliasesForCollections(10);
    opts.setCodePointLimit(MAX_CODE_POINTS);
    opts.setAllowRecursiveKeys(false);
    Node root;
    try {
      root = new Yaml(opts).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(
          source,
          "YAML syntax error at line " + line + ": " + e.getProblem(),
          "check the indentation and quoting near that line");
    } catch (YAMLException e) {
      throw new ConfigException(source, "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigException(source, "the file is empty");
    }
    return new YamlNode(root, source, "");
  }

  /**
   * Writes plain data (maps with string keys, lists, strings, numbers, booleans) as block-style
   * YAML in the maps' iteration order. Strings that would read back as something else are quoted.
   */
  public static String dump(java.util.Map<String, ?> data) {
    org.yaml.snakeyaml.DumperOptions d = new org.yaml.snakeyaml.DumperOptions();
    d.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
    d.setIndent(2);
    d.setIndicatorIndent(0);
    d.setWidth(200);
    d.setSplitLines(false);
    return new Yaml(d).dump(data);
  }

  /**
   * Reads and parses a UTF-8 YAML file.
   *
   * @throws FileException when it cannot be read
   * @throws ConfigException when it is not valid YAML
   */
  public static YamlNode read(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      String text =
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)).toString();
      return parse(text, file.toString());
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist");
    } catch (CharacterCodingException e) {
      throw new ConfigException(file.toString(), "not UTF-8 text");
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }
}
