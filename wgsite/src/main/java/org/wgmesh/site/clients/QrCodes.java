package org.wgmesh.site.clients;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;
import org.wgmesh.core.error.InputException;

/**
 * A client config as a QR code (issue 25), for the mobile WireGuard apps: encoded by ZXing, drawn
 * as Unicode half blocks for a terminal or as a PNG. The config's bytes are encoded as they are
 * (UTF-8, byte mode), so a reader gives back the identical text.
 */
public final class QrCodes {
  /** Modules of light margin around the code: 4 is the standard quiet zone. */
  static final int QUIET = 4;

  /** Pixels per module in the PNG. */
  static final int SCALE = 8;

  private QrCodes() {}

  /**
   * The modules of {@code text}'s QR code, without margin; error correction M.
   *
   * @throws InputException when the text is too long for a QR code
   */
  public static BitMatrix encode(String text) {
    try {
      return new QRCodeWriter()
          .encode(
              text,
              BarcodeFormat.QR_CODE,
              0,
              0,
              Map.of(
                  EncodeHintType.ERROR_CORRECTION,
                  ErrorCorrectionLevel.M,
                  EncodeHintType.CHARACTER_SET,
                  StandardCharsets.UTF_8.name(),
                  EncodeHintType.MARGIN,
                  0));
    } catch (WriterException | IllegalArgumentException e) {
      throw new InputException(
          "QR code",
          "the config (" + text.length() + " characters) does not fit a QR code: " + e.getMessage(),
          "export it as a file (without --qr) and import that into the app");
    }
  }

  /**
   * The code in Unicode half blocks, two module rows per line, light modules drawn (as {@code
   * qrencode -t UTF8} does, for a terminal with light text on a dark background).
   */
  public static String terminal(String text) {
    BitMatrix m = encode(text);
    int size = m.getWidth() + 2 * QUIET;
    StringBuilder b = new StringBuilder();
    for (int y = 0; y < size; y += 2) {
      for (int x = 0; x < size; x++) {
        boolean top = light(m, x - QUIET, y - QUIET);
        boolean bottom = y + 1 < size ? light(m, x - QUIET, y + 1 - QUIET) : false;
        b.append(top ? (bottom ? '\u2588' : '\u2580') : (bottom ? '\u2584' : ' '));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The code as a PNG: black modules on white, {@link #SCALE} pixels each, with the margin. */
  public static byte[] png(String text) {
    BitMatrix m = encode(text);
    int size = (m.getWidth() + 2 * QUIET) * SCALE;
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean isLight = light(m, x / SCALE - QUIET, y / SCALE - QUIET);
        image.setRGB(x, y, isLight ? 0xffffff : 0x000000);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Whether module (x, y) is light; outside the code (the margin) everything is. */
  private static boolean light(BitMatrix m, int x, int y) {
    return x < 0 || y < 0 || x >= m.getWidth() || y >= m.getHeight() || !m.get(x, y);
  }
}
