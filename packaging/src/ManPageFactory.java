import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Comparator;
import picocli.CommandLine;

/**
 * The factory picocli's ManPageGenerator and AutoComplete use to build the command objects whose
 * model they read (scripts/make-deb.sh compiles it next to the jars; it is not shipped). The
 * wgmesh commands take their I/O and services in the constructor and have no no-argument one;
 * reading the model runs none of them, so each constructor argument is a stand-in: an interface
 * gets a proxy that answers null, anything else null.
 */
public final class ManPageFactory implements CommandLine.IFactory {
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    try {
      cls.getDeclaredConstructor();
      return fallback.create(cls);
    } catch (NoSuchMethodException noDefault) {
      Constructor<?> c = Arrays.stream(cls.getDeclaredConstructors())
          .min(Comparator.comparingInt(Constructor::getParameterCount))
          .orElseThrow(() -> noDefault);
      c.setAccessible(true);
      Object[] args = Arrays.stream(c.getParameterTypes()).map(ManPageFactory::standIn).toArray();
      return cls.cast(c.newInstance(args));
    }
  }

  private static Object standIn(Class<?> type) {
    if (type == boolean.class) return false;
    if (type == int.class) return 0;
    if (type == long.class) return 0L;
    if (type.isInterface()) {
      return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> null);
    }
    return null;
  }
}
