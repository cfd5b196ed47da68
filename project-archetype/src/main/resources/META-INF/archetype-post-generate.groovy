// After archetype:generate: keep the chosen kind's files, move them into the package, write the package
// name into them, make the launchers executable. (Only pom.xml is a Velocity template: the Java sources,
// the README and ./run stay plain files that compile and read as they are.)
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

def props = request.properties
String kind = props.get('kind')
String pkg = props.get('package') ?: request.groupId
Path root = Paths.get(request.outputDirectory, request.artifactId)
def kinds = ['classifier', 'language-model', 'forecaster', 'seq2seq']
if (!kinds.contains(kind)) {
    root.toFile().deleteDir()
    throw new IllegalArgumentException("-Dkind must be one of " + kinds.join(', ') + ", got '" + kind + "'")
}
if (!(pkg ==~ /[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*/)) {
    root.toFile().deleteDir()
    throw new IllegalArgumentException("-Dpackage must be a Java package name such as com.example.lstm, got '" + pkg + "'")
}
File from = root.resolve('kinds').resolve(kind).toFile()
Path main = root.resolve('src/main/java').resolve(pkg.replace('.', '/'))
Path test = root.resolve('src/test/java').resolve(pkg.replace('.', '/'))
Files.createDirectories(main)
Files.createDirectories(test)

def rewrite = { Path p ->
    String s = new String(Files.readAllBytes(p), 'UTF-8')
    s = s.replace('com.example.lstm', pkg).replace('com/example/lstm', pkg.replace('.', '/'))
            .replace('__ARTIFACT_ID__', request.artifactId)
    Files.write(p, s.getBytes('UTF-8'))
}
from.listFiles().each { File f ->
    String name = f.name
    Path target = null
    if (name.endsWith('Test.java')) {
        target = test.resolve(name)
    } else if (name.endsWith('.java')) {
        target = main.resolve(name)
    } else if (name == 'README.md') {
        target = root.resolve(name)
    } else if (name == 'data') {
        Files.move(f.toPath(), root.resolve('data'))
    }
    if (target != null) {
        Files.move(f.toPath(), target)
        rewrite(target)
    }
}
root.resolve('kinds').toFile().deleteDir()
rewrite(root.resolve('run'))
root.resolve('run').toFile().setExecutable(true, false)
root.resolve('mvnw').toFile().setExecutable(true, false)
Files.move(root.resolve('gitignore'), root.resolve('.gitignore'))
