// as_apt.cc - libapt-pkg behind the plain C interface of as_apt.h.
// The only file of hersh-apt-source that speaks C++ or includes apt-pkg.

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/hashes.h>
#include <apt-pkg/indexfile.h>
#include <apt-pkg/init.h>
#include <apt-pkg/metaindex.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/sourcelist.h>

#include <err.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "apt.h"
extern "C" {
#include "lib/atomic-file.h"
}

namespace {

char *
xstrdup(const std::string &s)
{
	char *p = strdup(s.c_str());
	if (p == nullptr)
		err(1, "strdup");
	return p;
}

// Print APT's pending errors (warnings and notices are dropped: apt-get
// shows those itself) and empty the stack.
void
report_errors()
{
	std::string msg;
	while (!_error->empty(GlobalError::DEBUG)) {
		bool const is_error = _error->PopMessage(msg);
		if (is_error)
			warnx("%s", msg.c_str());
	}
}

std::string
join(const std::vector<std::string> &v)
{
	std::string s;
	for (const auto &x : v)
		s += (s.empty() ? "" : ",") + x;
	return s;
}

bool
ends_with(const std::string &s, const std::string &suffix)
{
	return s.size() >= suffix.size() &&
	    s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The source files apt reads, in apt's order (pkgSourceList::ReadMainList).
std::vector<std::string>
source_files()
{
	std::vector<std::string> files;
	std::string const main = _config->FindFile("Dir::Etc::sourcelist");
	std::string const parts = _config->FindDir("Dir::Etc::sourceparts");

	if (!main.empty() && RealFileExists(main))
		files.push_back(main);
	if (!parts.empty() && DirectoryExists(parts)) {
		for (const auto &f : GetListOfFilesInDir(parts,
		    std::vector<std::string>{"list", "sources"}, true))
			files.push_back(f);
	}
	return files;
}

// Components of a parsed entry, in the order apt lists its targets.
std::string
components_of(metaIndex *m)
{
	std::vector<std::string> comps;
	for (const auto &t : m->GetIndexTargets()) {
		std::string const c = t.Option(IndexTarget::COMPONENT);
		if (c.empty())
			continue;
		bool seen = false;
		for (const auto &x : comps)
			seen = seen || x == c;
		if (!seen)
			comps.push_back(c);
	}
	return join(comps);
}

// Download URL into DIR/key; false with apt's or the item's message.
bool
fetch(const std::string &url, const std::string &dir, std::string &path)
{
	path = dir + "/download";
	pkgAcquire fetcher;
	auto *item = new pkgAcqFile(&fetcher, url, HashStringList(), 0,
	    url, "key", dir, path);
	pkgAcquire::RunResult const r = fetcher.Run();
	if (item->Status == pkgAcquire::Item::StatDone && r == pkgAcquire::Continue &&
	    RealFileExists(path))
		return true;
	std::string const why = item->ErrorText.empty() ?
	    "download failed" : item->ErrorText;
	_error->Discard();
	warnx("%s: %s", url.c_str(), why.c_str());
	return false;
}

// Entries are read file by file above; apt reads them as one list and
// then also refuses conflicts between files (such as two Signed-By for
// one repository).  Say so when it would.
void
check_whole_list()
{
	pkgSourceList all;
	std::string msg;

	if (all.ReadMainList()) {
		_error->Discard();
		return;
	}
	while (!_error->empty(GlobalError::DEBUG)) {
		if (_error->PopMessage(msg))
			warnx("warning: apt cannot use the sources: %s", msg.c_str());
	}
}

} // namespace

extern "C" int
as_apt_init(const char *const *names, const char *const *values, size_t n)
{
	if (!pkgInitConfig(*_config)) {
		report_errors();
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		_config->Set(names[i], values[i]);
	if (!pkgInitSystem(*_config, _system)) {
		report_errors();
		return -1;
	}
	_error->Discard();
	return 0;
}

extern "C" char *
as_apt_find(const char *name, const char *def)
{
	return xstrdup(_config->Find(name, def));
}

extern "C" char *
as_apt_find_file(const char *name)
{
	return xstrdup(_config->FindFile(name));
}

extern "C" char *
as_apt_find_dir(const char *name)
{
	return xstrdup(_config->FindDir(name));
}

extern "C" int
as_apt_sources(struct as_entry **out, size_t *n)
{
	std::vector<as_entry> v;
	bool ok = true;

	for (const auto &file : source_files()) {
		pkgSourceList list;
		if (!list.ReadAppend(file)) {
			ok = false;
			continue;
		}
		for (metaIndex *m : list) {
			as_entry e;
			e.file = xstrdup(file);
			e.deb822 = ends_with(file, ".sources");
			e.type = xstrdup(m->GetType() ? m->GetType() : "deb");
			e.uri = xstrdup(m->GetURI());
			e.suite = xstrdup(m->GetDist());
			e.components = xstrdup(components_of(m));
			e.signed_by = xstrdup(m->GetSignedBy());
			v.push_back(e);
		}
	}
	if (!ok) {
		report_errors();
		as_entries_free(v.data(), v.size());
		return -1;
	}
	_error->Discard();
	check_whole_list();
	*n = v.size();
	*out = static_cast<as_entry *>(calloc(v.size() + 1, sizeof(as_entry)));
	if (*out == nullptr)
		err(1, "calloc");
	for (size_t i = 0; i < v.size(); i++)
		(*out)[i] = v[i];
	return 0;
}

extern "C" void
as_entries_free(struct as_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].file);
		free(e[i].type);
		free(e[i].uri);
		free(e[i].suite);
		free(e[i].components);
		free(e[i].signed_by);
	}
}

extern "C" int
as_apt_download(const char *url, char **buf, size_t *len)
{
	std::string tmpl = GetTempDir() + "/hersh-apt-source.XXXXXX";
	std::vector<char> t(tmpl.begin(), tmpl.end());
	t.push_back('\0');
	if (mkdtemp(t.data()) == nullptr) {
		warn("%s", tmpl.c_str());
		return -1;
	}
	std::string const dir(t.data());

	// Let the sandboxed download method (user _apt) write there, as
	// apt-get does with its partial directories.
	if (geteuid() == 0) {
		std::string const user = _config->Find("APT::Sandbox::User", "_apt");
		struct passwd const *pw = getpwnam(user.c_str());
		if (pw != nullptr && chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
			warn("%s: chown", dir.c_str());
	}

	std::string path;
	int rc = -1;
	if (fetch(url, dir, path)) {
		if (read_file(path.c_str(), buf, len) == 0)
			rc = 0;
		else
			warn("%s: downloaded file %s", url, path.c_str());
	}
	if (!path.empty())
		unlink(path.c_str());
	rmdir(dir.c_str());
	return rc;
}

extern "C" void
as_apt_sha256(const void *data, size_t len, char hex[65])
{
	Hashes h(Hashes::SHA256SUM);
	static const unsigned char none = 0;
	h.Add(data != nullptr ? static_cast<const unsigned char *>(data) : &none, len);
	std::string const s = h.GetHashString(Hashes::SHA256SUM).HashValue();
	snprintf(hex, 65, "%s", s.c_str());
}
