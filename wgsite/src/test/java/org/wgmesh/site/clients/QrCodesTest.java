package org.wgmesh.site.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The terminal QR code: drawn back into pixels from its half blocks (light modules drawn, as for
 * light text on a dark terminal), it decodes to the text with ZXing's reader, so what a phone scans
 * off the screen is the config.
 */
class QrCodesTest {
  private static final int SCALE = 4;

  @Test
  void terminal_decodesToTheText() throws Exception {
    String config =
        "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
            + "Address = 198.51.100.7/32, fd12:3456:789a:0:2::7/128\n\n"
            + "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
            + "Endpoint = 203.0.113.1:61007\nAllowedIPs = 198.18.0.0/15, fd00:18::/32\n"
            + "PersistentKeepalive = 25\n";
    String drawn = QrCodes.terminal(config);
    assertThat(decode(drawn)).isEqualTo(config);
    // Only the four glyphs of two modules each, and a square: every line as wide as the code is
    // tall (two module rows per line, the last one half when the size is odd).
    List<String> lines = drawn.lines().toList();
    assertThat(drawn).matches("[ \u2580\u2584\u2588\n]+");
    int width = lines.get(0).length();
    assertThat(lines).allMatch(l -> l.length() == width);
    assertThat(lines).hasSize((width + 1) / 2);
  }

  /** The half blocks as pixels: each character one module wide and two modules tall. */
  private static String decode(String drawn) throws Exception {
    List<String> lines = drawn.lines().toList();
    int width = lines.get(0).length() * SCALE;
    int height = lines.size() * 2 * SCALE;
    int[] pixels = new int[width * height];
    for (int row = 0; row < lines.size(); row++) {
      String line = lines.get(row);
      for (int col = 0; col < line.length(); col++) {
        char c = line.charAt(col);
        boolean top = c == '\u2588' || c == '\u2580';
        boolean bottom = c == '\u2588' || c == '\u2584';
        for (int dy = 0; dy < 2 * SCALE; dy++) {
          boolean lit = dy < SCALE ? top : bottom;
          for (int dx = 0; dx < SCALE; dx++) {
            pixels[(row * 2 * SCALE + dy) * width + col * SCALE + dx] =
                lit ? 0xffffffff : 0xff000000;
          }
        }
      }
    }
    BinaryBitmap bitmap =
        new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels)));
    return new QRCodeReader()
        .decode(bitmap, Map.of(DecodeHintType.CHARACTER_SET, "UTF-8"))
        .getText();
  }
}
