// SPDX-License-Identifier: GPL-2.0
/*
 * The pseries machine on KVM-HV: implements the pseries_ops that hcall and
 * RTAS handlers use, and the vCPU callbacks that route exits to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/boot.h"
#include "lkvm/event-loop.h"
#include "lkvm/hcall.h"
#include "lkvm/loader.h"
#include "lkvm/machine.h"
#include "lkvm/device.h"
#include "lkvm/rtas.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"

/* where secondary CPUs wait in the kernel until it releases them */
#define SECONDARY_HOLD_PC 0x60

/* --- what handlers may ask of the core (struct pseries_ops) --- */

static int op_configure_mmu(void *ctx, uint64_t flags, uint64_t process_table)
{
	struct machine *m = ctx;

	return kvm_vm__configure_mmu(&m->vm, flags, process_table);
}

static int op_start_cpu(void *ctx, unsigned int cpu, uint64_t pc, uint64_t r3)
{
	struct machine *m = ctx;

	if (cpu >= m->nr_vcpus)
		return -EINVAL;
	atomic_store(&m->p.cpu[cpu].state, CPU_RUNNING);
	return kvm_vcpu__wake(&m->vcpu[cpu], pc, r3);
}

static void op_request_exit(void *ctx)
{
	struct machine *m = ctx;
	unsigned int i;

	/* the end is final: a pause in progress gives way, a paused vCPU
	 * wakes to exit, and no later pause can hold one */
	run_state__stop(&m->run);
	for (i = 0; i < m->nr_vcpus; i++)
		kvm_vcpu__kick(&m->vcpu[i]);
	event_fd__signal(m->exit_fd);
}

static int op_map_memory(void *ctx, uint64_t gpa, uint64_t size, void *host,
			 unsigned int flags, unsigned int *slot)
{
	struct machine *m = ctx;

	return kvm_vm__add_memory(&m->vm, gpa, size, host,
				  flags & PSERIES_MAP_LOG_DIRTY ? KVM_VM_MEM_LOG_DIRTY : 0,
				  slot);
}

static int op_unmap_memory(void *ctx, unsigned int slot)
{
	struct machine *m = ctx;

	return kvm_vm__remove_memory(&m->vm, slot);
}

static int op_harvest_dirty(void *ctx, unsigned int slot, uint64_t *pages,
			    uint64_t *page_size)
{
	struct machine *m = ctx;

	*page_size = m->vm.page_size;
	return kvm_vm__get_dirty_log(&m->vm, slot, pages);
}

/* Edge sources: the raise is the interrupt, the lower keeps it an edge. */
static void op_drc_changed(void *ctx)
{
	struct machine *m = ctx;

	if (m->drc_event_fd >= 0)
		event_fd__signal(m->drc_event_fd);
}

static int op_irq_pulse(void *ctx, uint32_t irq)
{
	struct machine *m = ctx;
	int ret;

	ret = kvm_vm__irq_line(&m->vm, irq, true);
	if (!ret)
		ret = kvm_vm__irq_line(&m->vm, irq, false);
	return ret;
}

static const struct pseries_ops machine_ops = {
	.configure_mmu = op_configure_mmu,
	.start_cpu = op_start_cpu,
	.request_exit = op_request_exit,
	.map_memory = op_map_memory,
	.unmap_memory = op_unmap_memory,
	.harvest_dirty = op_harvest_dirty,
	.irq_pulse = op_irq_pulse,
	.drc_changed = op_drc_changed,
};

/* --- vCPU callbacks --- */

static int vcpu_before_run(void *ctx, struct kvm_vcpu *vcpu)
{
	struct machine *m = ctx;
	unsigned int gen = atomic_load(&m->p.ile_gen);
	int ret;

	if (vcpu->ile_gen == gen)
		return 0;
	ret = kvm_vcpu__set_ile(vcpu, atomic_load(&m->p.ile));
	if (ret)
		return lkvm__fail(ret, "vCPU %u: cannot set interrupt endianness: %s",
				  vcpu->id, strerror(-ret));
	vcpu->ile_gen = gen;
	return 0;
}

static long vcpu_hcall(void *ctx, struct kvm_vcpu *vcpu, uint64_t nr, uint64_t *args)
{
	struct machine *m = ctx;
	unsigned int gen = atomic_load(&m->p.ile_gen);
	unsigned int i;
	long ret;

	ret = hcall__dispatch(&m->p, vcpu->id, nr, args);
	/* H_SET_MODE changed the interrupt endianness: the other vCPUs may be
	 * spinning inside KVM_RUN (secondaries in the kernel's hold loop) and
	 * must leave it to take the new LPCR before their next interrupt */
	if (atomic_load(&m->p.ile_gen) != gen)
		for (i = 0; i < m->nr_vcpus; i++)
			if (i != vcpu->id)
				kvm_vcpu__kick(&m->vcpu[i]);
	return ret;
}

static bool vcpu_parked(void *ctx, struct kvm_vcpu *vcpu)
{
	struct machine *m = ctx;

	if (!m->p.cpu[vcpu->id].stop_self)
		return false;
	m->p.cpu[vcpu->id].stop_self = false;
	return true;
}

static bool vcpu_stopping(void *ctx)
{
	struct machine *m = ctx;

	return atomic_load(&m->p.exit_request) != PSERIES_RUNNING;
}

static void vcpu_failed(void *ctx, struct kvm_vcpu *vcpu, int err)
{
	struct machine *m = ctx;

	(void)vcpu;
	(void)err;
	pthread_mutex_lock(&m->error_lock);
	if (!m->error[0])
		snprintf(m->error, sizeof(m->error), "%s", lkvm__last_error());
	pthread_mutex_unlock(&m->error_lock);
	pseries__request_exit(&m->p, PSERIES_FAILED);
}

static const struct kvm_vcpu_ops vcpu_ops = {
	.before_run = vcpu_before_run,
	.hcall = vcpu_hcall,
	.parked = vcpu_parked,
	.stopping = vcpu_stopping,
	.failed = vcpu_failed,
};

/* --- set-up --- */

/*
 * Guest RAM: anonymous memory aligned to the host's huge-page size and
 * marked for transparent huge pages, so that KVM can map the guest with
 * 2 MiB pages. Every guest page fault costs a hypervisor round trip (two
 * when KVM itself is nested), so fewer, larger pages boot measurably faster.
 */
#define RAM_ALIGN (2ULL << 20)

static int setup_ram(struct machine *m, uint64_t size)
{
	uint8_t *raw, *ram;
	uint64_t head;
	int ret;

	raw = mmap(NULL, size + RAM_ALIGN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return lkvm__fail(-errno, "cannot allocate %llu MiB of guest RAM: %s",
				  (unsigned long long)(size >> 20), strerror(errno));
	ram = (uint8_t *)ALIGN_UP((uintptr_t)raw, RAM_ALIGN);
	head = (uint64_t)(ram - raw);
	if (head)
		munmap(raw, head);
	munmap(ram + size, RAM_ALIGN - head);
	madvise(ram, size, MADV_HUGEPAGE);	/* a hint: failure is harmless */
	m->ram = ram;
	m->ram_size = size;
	ret = guest_mem__add(&m->p.mem, 0, size, m->ram, false);
	if (ret)
		return lkvm__fail(ret, "cannot register guest RAM");
	return 0;
}

static int setup_cpus(struct machine *m, unsigned int nr)
{
	const struct rtas_service *s;
	unsigned int i;
	int ret;

	ret = kvm_vm__create_xics(&m->vm);
	if (ret)
		return ret;
	/* the interrupt-source RTAS calls are served by KVM's XICS */
	for (s = rtas_services; s->name; s++) {
		if (s->fn)
			continue;
		ret = kvm_vm__define_rtas_token(&m->vm, s->name, s->token);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		ret = kvm_vcpu__create(&m->vm, &m->vcpu[i], i);
		if (ret)
			return ret;
		m->nr_vcpus = i + 1;
		m->vcpu[i].ops = &vcpu_ops;
		m->vcpu[i].ctx = m;
		m->vcpu[i].run_state = &m->run;
		ret = kvm_vcpu__connect_xics(&m->vm, &m->vcpu[i], i);
		if (ret)
			return ret;
	}
	/* every event source's interrupt, once the vCPUs that serve it exist */
	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++) {
		ret = kvm_vm__xics_source(&m->vm, rtas_event_sources[i].irq, false);
		if (ret)
			return ret;
	}
	m->p.cpu_char.valid = kvm_vm__get_cpu_char(&m->vm, &m->p.cpu_char.character,
						   &m->p.cpu_char.behaviour) == 0;
	return kvm_vcpu__get_pvr(&m->vcpu[0], &m->p.cpu_info.pvr);
}

/* Each device takes its guest resources (a vNVDIMM: window and slot). */
static int attach_device(struct device *dev, void *ctx)
{
	struct machine *m = ctx;

	return dev->ops->attach ? dev->ops->attach(dev, &m->p) : 0;
}

static int read_cpuinfo(struct cpu_info *info)
{
	char buf[16384];
	ssize_t n;
	int fd;

	fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lkvm__fail(-errno, "cannot read /proc/cpuinfo");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (cpuinfo__parse(buf, info))
		return lkvm__fail(-EINVAL, "no timebase in /proc/cpuinfo: not a POWER host?");
	return 0;
}

/* Everything but the boot images: the host's facts, the VM, its memory
 * slots, the vCPUs (whose PVR the device tree carries), RTAS and the tree. */
static int setup_kvm(struct machine *m, const struct vm_params *params)
{
	int ret;

	ret = read_cpuinfo(&m->p.cpu_info);
	if (ret)
		return ret;
	m->p.has_rng_seed = getrandom(m->p.rng_seed, sizeof(m->p.rng_seed), GRND_NONBLOCK) ==
			    (ssize_t)sizeof(m->p.rng_seed);
	ret = kvm_vm__create(&m->vm, "/dev/kvm");
	if (ret)
		return ret;
	ret = kvm_vm__add_memory(&m->vm, 0, m->ram_size, m->ram, 0, NULL);
	if (ret)
		return ret;
	ret = device_registry__for_each(m->p.devices, NULL, attach_device, m);
	if (ret)
		return ret;
	ret = setup_cpus(m, params->nr_cpus);
	if (ret)
		return ret;
	ret = boot__place(&m->p, params->cmdline);
	return ret < 0 ? ret : 0;
}

int machine__setup(struct machine *m, const struct vm_params *params,
		   const struct mapped_file *kernel,
		   const struct mapped_file *initrd,
		   struct device_registry *devices)
{
	struct loader loader = { .nr_jobs = 0 };
	struct elf_image img;
	unsigned int i;
	int ret;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->error_lock, NULL);
	run_state__init(&m->run, 0);	/* each vCPU thread counts itself in */
	m->vm = (struct kvm_vm){ .kvm_fd = -1, .vm_fd = -1, .xics_fd = -1 };
	pseries__init(&m->p);
	m->p.nr_cpus = params->nr_cpus;
	m->p.debug = params->debug;
	m->p.panic_stops = params->panic_stops;
	m->p.devices = devices;
	m->p.ops = &machine_ops;
	m->p.ops_ctx = m;
	m->drc_event_fd = -1;
	m->exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->exit_fd < 0)
		return lkvm__fail(-errno, "eventfd: %s", strerror(errno));

	ret = elf__inspect(&img, kernel->data, kernel->len);
	if (ret)
		return lkvm__fail(ret, "kernel %s: %s", kernel->path, lkvm__last_error());
	ret = memmap__layout(&m->p.map, params->ram_size, img.load_end,
			     initrd ? initrd->len : 0);
	if (ret)
		return ret;
	ret = setup_ram(m, params->ram_size);
	if (ret)
		return ret;
	ret = elf__load(&img, &m->p.mem, kernel->fd, &loader);
	if (!ret && initrd)
		ret = boot__load_initrd(&m->p, initrd->fd, initrd->len, &loader);
	if (ret)
		return ret;
	/*
	 * Reading kernel and initrd is most of the set-up: the other CPUs
	 * start on it now, this thread sets up KVM and then joins them.
	 */
	loader__start(&loader, loader__threads());
	ret = setup_kvm(m, params);
	if (ret) {
		loader__cancel(&loader);
		return ret;
	}
	ret = loader__wait(&loader);
	if (ret)
		return ret;

	/* every CPU is running; secondaries spin in the kernel's hold loop,
	 * which is where Linux on pseries expects thread 0 of each core */
	for (i = 0; i < m->nr_vcpus; i++) {
		atomic_store(&m->p.cpu[i].state, CPU_RUNNING);
		if (i == 0)
			ret = kvm_vcpu__set_entry(&m->vcpu[0], img.entry, KVM_PPC_ENTRY_MSR,
						  m->p.map.fdt.start, 0, 0);
		else
			ret = kvm_vcpu__set_entry(&m->vcpu[i], SECONDARY_HOLD_PC,
						  KVM_PPC_ENTRY_MSR, i, 0, 0);
		if (ret)
			return ret;
	}
	return 0;
}

int machine__start(struct machine *m)
{
	unsigned int i;
	int ret;

	for (i = 0; i < m->nr_vcpus; i++) {
		ret = kvm_vcpu__start_thread(&m->vcpu[i], true);
		if (ret) {
			machine__stop(m, PSERIES_FAILED);
			return ret;
		}
	}
	return 0;
}

void machine__stop(struct machine *m, enum pseries_exit why)
{
	unsigned int i;

	pseries__request_exit(&m->p, why);
	for (i = 0; i < m->nr_vcpus; i++)
		kvm_vcpu__join(&m->vcpu[i]);
}

int machine__pause(struct machine *m)
{
	unsigned int i;
	int ret;

	ret = run_state__pause(&m->run);
	if (ret)
		return ret;
	for (i = 0; i < m->nr_vcpus; i++)
		kvm_vcpu__kick(&m->vcpu[i]);
	return run_state__wait_parked(&m->run);
}

int machine__resume(struct machine *m)
{
	return run_state__resume(&m->run);
}

void machine__destroy(struct machine *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_vcpus; i++)
		kvm_vcpu__destroy(&m->vcpu[i]);
	kvm_vm__destroy(&m->vm);
	if (m->ram)
		munmap(m->ram, m->ram_size);
	if (m->exit_fd >= 0)
		close(m->exit_fd);
	m->ram = NULL;
	m->exit_fd = -1;
	run_state__destroy(&m->run);
}
