// apt.cc - libapt-pkg behind the plain C interface of apt.h.
// The only file of hersh-apt-source that speaks C++ or includes apt-pkg.

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire-worker.h>
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
#include <apt-pkg/strutl.h>

#include <sys/stat.h>

#include <err.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "apt.h"
extern "C" {
#include "interrupt.h"
#include "lib/xmalloc.h"
}

namespace {

char *
cdup(const std::string &s)
{
	return xstrdup(s.c_str());
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

// pkgAcqFile that keeps the method's reason for a failure.
class KeyFile : public pkgAcqFile {
public:
	std::string reason;

	using pkgAcqFile::pkgAcqFile;
	void
	Failed(std::string const &msg, pkgAcquire::MethodConfig const *cnf) override
	{
		reason = LookupTag(msg, "FailReason");
		pkgAcqFile::Failed(msg, cnf);
	}
};

// Stops the fetch (Pulse returns false) once the file grows past the
// limit, the deadline passes, or a signal was caught.
class Bounded : public pkgAcquireStatus {
	std::string const path;
	unsigned long long const max;
	std::chrono::steady_clock::time_point const deadline;

public:
	enum { RUNNING, TOO_BIG, TIMEOUT, INTERRUPTED } stop = RUNNING;

	Bounded(std::string p, unsigned long long m, long seconds)
	    : path(std::move(p)), max(m),
	      deadline(std::chrono::steady_clock::now() +
		  std::chrono::seconds(seconds)) {}

	bool
	Pulse(pkgAcquire *owner) override
	{
		struct stat sb;

		pkgAcquireStatus::Pulse(owner);
		if (as_interrupted())
			stop = INTERRUPTED;
		else if (stat(path.c_str(), &sb) == 0 &&
		    static_cast<unsigned long long>(sb.st_size) > max)
			stop = TOO_BIG;
		else if (std::chrono::steady_clock::now() >= deadline)
			stop = TIMEOUT;
		return stop == RUNNING;
	}

	bool
	MediaChange(std::string, std::string) override
	{
		return false;
	}
};

// Why the fetch of URL failed, for a message.
std::string
failure(const KeyFile &item, const Bounded &status, unsigned long long max,
    long seconds)
{
	if (status.stop == Bounded::TOO_BIG || item.reason == "MaximumSizeExceeded")
		return "larger than " + std::to_string(max) +
		    " bytes, which no key is (refused at the limit)";
	if (status.stop == Bounded::TIMEOUT)
		return "no complete answer within " + std::to_string(seconds) +
		    " s (Hersh-Gvisor::Key-Timeout)";
	if (status.stop == Bounded::INTERRUPTED)
		return "interrupted";
	return item.ErrorText.empty() ? "download failed" : item.ErrorText;
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
	return cdup(_config->Find(name, def));
}

extern "C" char *
as_apt_find_dir(const char *name)
{
	return cdup(_config->FindDir(name));
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
			e.file = cdup(file);
			e.deb822 = ends_with(file, ".sources");
			e.type = cdup(m->GetType() ? m->GetType() : "deb");
			e.uri = cdup(m->GetURI());
			e.suite = cdup(m->GetDist());
			e.components = cdup(components_of(m));
			e.signed_by = cdup(m->GetSignedBy());
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
	*out = static_cast<as_entry *>(xcalloc(v.size() + 1, sizeof(as_entry)));
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
as_apt_download(const char *url, const char *dir, unsigned long long max,
    long seconds)
{
	std::string const path = std::string(dir) + "/download";
	Bounded status(path, max, seconds);
	int rc = -1;
	{
		pkgAcquire fetcher(&status);
		// The expected size is the limit: APT's methods stop there.
		auto *item = new KeyFile(&fetcher, url, HashStringList(), max,
		    url, "key", dir, path);
		pkgAcquire::RunResult const r = fetcher.Run();
		if (item->Status == pkgAcquire::Item::StatDone &&
		    r == pkgAcquire::Continue && status.stop == Bounded::RUNNING)
			rc = 0;
		else
			warnx("%s: %s", url,
			    failure(*item, status, max, seconds).c_str());
	}	// the fetcher's end stops its methods
	_error->Discard();
	return rc;
}

extern "C" int
as_apt_sandbox_user(uid_t *uid, gid_t *gid)
{
	std::string const user = _config->Find("APT::Sandbox::User", "_apt");
	struct passwd const *pw = getpwnam(user.c_str());

	if (pw == nullptr)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
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
