package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a database is: a libpq URI given inline, or a Secret key holding one. Exactly one of the two. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.url) != has(self.urlSecretRef)", message = "set exactly one of url or urlSecretRef")
public class DatabaseSpec {

    @Size(max = 4096)
    @JsonPropertyDescription("A libpq URI (postgresql://user:pass@host:5432/db?sslmode=require); jdbc:postgresql:// is accepted too.")
    private String url;

    @JsonPropertyDescription("A Secret key holding such a URI; the way to give credentials in a cluster.")
    private SecretKeyRef urlSecretRef;

    public DatabaseSpec() {
    }

    public static DatabaseSpec ofUrl(String url) {
        DatabaseSpec spec = new DatabaseSpec();
        spec.setUrl(url);
        return spec;
    }

    public static DatabaseSpec ofSecret(String name, String key) {
        DatabaseSpec spec = new DatabaseSpec();
        spec.setUrlSecretRef(new SecretKeyRef(name, key));
        return spec;
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public SecretKeyRef getUrlSecretRef() { return urlSecretRef; }
    public void setUrlSecretRef(SecretKeyRef urlSecretRef) { this.urlSecretRef = urlSecretRef; }

    /** Equality matters to the operator: a changed source or target is refused. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseSpec other
                && java.util.Objects.equals(url, other.url)
                && java.util.Objects.equals(urlSecretRef, other.urlSecretRef);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(url, urlSecretRef);
    }
}
